using Google.Protobuf;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Batches that arrive while INSERTs run go to ClickHouse together (group commit: fewer, larger parts for the server to
/// write and merge), and each caller is answered only by the INSERT that carried its spans.
/// </summary>
public sealed class ClickHouseGroupedInsertsTests
{
    [RequiresClickHouseFact]
    public async Task Batches_appended_at_once_are_sent_in_fewer_inserts_and_every_trace_is_stored_whole()
    {
        const int Batches = 40;
        var options = ClickHouseTestServer.NewOptions();
        await using var cleanup = new ClickHouseTempStore(options);
        await using var store = await ClickHouseTraceStore.OpenAsync(options);

        await Task.WhenAll(Enumerable.Range(1, Batches).Select(t => store.AppendAsync(Batch(Request(Resource("apiserver",
            Span(t, 1, 0, "GET /api/v1/pods", t * 100, 50), Span(t, 2, 1, "etcd get", t * 100 + 1, 10), Span(t, 3, 1, "admit", t * 100 + 2, 5)))),
            CancellationToken.None).AsTask()));

        var inserts = store.GetStats().Backend!;
        Assert.Equal(Batches * 3L, inserts.InsertedSpans);
        Assert.InRange(inserts.Inserts, 1, Batches - 1);
        for (var t = 1; t <= Batches; t++)
        {
            var trace = await store.GetTraceAsync(new TraceId((UInt128)t), CancellationToken.None);
            Assert.Equal(["GET /api/v1/pods", "admit", "etcd get"],
                trace!.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Batches_waiting_for_a_running_insert_go_together_in_arrival_order_up_to_the_byte_bound()
    {
        var sends = new List<(string[] Rows, int Count, TaskCompletionSource Answer)>();
        var inserts = new GroupedInserts<string>((rows, count) =>
        {
            var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (sends) sends.Add(([.. rows], count, answer));
            return answer.Task;
        }, maxInFlight: 1, maxBytes: 100);

        var first = inserts.InsertAsync("a", 1, 60);
        var waiting = new[] { inserts.InsertAsync("b", 2, 40), inserts.InsertAsync("c", 3, 30), inserts.InsertAsync("d", 4, 20), inserts.InsertAsync("e", 5, 200) };
        Assert.Equal([["a"]], Sent());
        Assert.False(waiting[0].IsCompleted);

        sends[0].Answer.SetResult();
        await first;
        await Wait.UntilAsync(() => Sent().Length == 2, "the second INSERT");
        Assert.Equal(["b", "c", "d"], Sent()[1]); // 90 bytes; "e" would pass 100
        Assert.Equal(9, sends[1].Count);
        Assert.All(waiting, w => Assert.False(w.IsCompleted)); // answered by their INSERT, not before

        sends[1].Answer.SetResult();
        await Task.WhenAll(waiting[..3]);
        await Wait.UntilAsync(() => Sent().Length == 3, "the third INSERT");
        Assert.Equal(["e"], Sent()[2]); // larger than the bound: alone
        sends[2].Answer.SetResult();
        await waiting[3];

        string[][] Sent()
        {
            lock (sends) return [.. sends.Select(s => s.Rows)];
        }
    }

    [Fact]
    public async Task A_second_insert_runs_beside_the_first_only_once_a_full_insert_waits()
    {
        var sends = new List<(string[] Rows, TaskCompletionSource Answer)>();
        var inserts = new GroupedInserts<string>((rows, _) =>
        {
            var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (sends) sends.Add(([.. rows], answer));
            return answer.Task;
        }, maxInFlight: 2, maxBytes: 100);

        var first = inserts.InsertAsync("a", 1, 60);
        var gathering = new[] { inserts.InsertAsync("b", 1, 40), inserts.InsertAsync("c", 1, 30) };
        Assert.Equal([["a"]], Sent()); // 70 bytes wait: less than an INSERT carries, so they gather for the next one

        var full = inserts.InsertAsync("d", 1, 50); // 120 bytes wait: a full INSERT runs beside the first
        await Wait.UntilAsync(() => Sent().Length == 2, "the second INSERT, beside the first");
        Assert.Equal(["b", "c"], Sent()[1]);
        Assert.False(first.IsCompleted);

        sends[0].Answer.SetResult();
        await first;
        await Wait.UntilAsync(() => Sent().Length == 3, "the third INSERT, once the first ended");
        Assert.Equal(["d"], Sent()[2]);
        sends[1].Answer.SetResult();
        sends[2].Answer.SetResult();
        await Task.WhenAll([.. gathering, full]);

        string[][] Sent()
        {
            lock (sends) return [.. sends.Select(s => s.Rows)];
        }
    }

    [Fact]
    public async Task A_failed_insert_fails_every_batch_it_carried_and_the_next_batches_are_still_sent()
    {
        var calls = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inserts = new GroupedInserts<string>(async (rows, _) =>
        {
            var call = Interlocked.Increment(ref calls);
            if (call == 1) await release.Task;
            if (call == 2) throw ConsumerException.Unavailable("the server refused it");
        }, maxInFlight: 1, maxBytes: 1000);

        var first = inserts.InsertAsync("a", 1, 10);
        var refused = new[] { inserts.InsertAsync("b", 1, 10), inserts.InsertAsync("c", 1, 10) };
        release.SetResult();
        await first;
        foreach (var batch in refused)
            Assert.Equal("the server refused it", (await Assert.ThrowsAsync<ConsumerException>(() => batch)).Message);
        await inserts.InsertAsync("d", 1, 10);
        Assert.Equal(3, calls);
    }

    private static TraceBatch Batch(Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest request) =>
        TraceBatch.FromEncoded(request.ToByteArray(), TraceBatch.CountSpans(request));
}
