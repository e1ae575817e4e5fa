using Google.Protobuf;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Several Kubetrace instances share one two-shard ClickHouse cluster (tables created by each on each shard, rows
/// sharded by trace ID): two write at once, each sending half of every trace's spans, and a third that wrote
/// nothing reads every trace whole; the disk figures add up both shards.
/// </summary>
public sealed class ClickHouseClusterTests
{
    private const int Traces = 40;

    [RequiresClickHouseFact]
    public async Task Two_writers_and_a_reader_on_two_shards_see_every_trace_whole_and_each_trace_on_one_shard()
    {
        var options = ClickHouseTestServer.NewClusterOptions();
        await using var cleanup = new ClickHouseTempStore(options);
        var writers = await Task.WhenAll(ClickHouseTraceStore.OpenAsync(options), ClickHouseTraceStore.OpenAsync(options));
        await using var writerA = writers[0];
        await using var writerB = writers[1];

        // Each trace: the apiserver's spans from one instance, etcd's from the other (as two node agents would send them).
        await Task.WhenAll(
            AppendAsync(writerA, Request([.. Enumerable.Range(1, Traces).Select(t => Resource("apiserver",
                Span(t, 1, 0, "GET /api/v1/pods", t * 100, 50), Span(t, 2, 1, "etcd get", t * 100 + 1, 10)))])),
            AppendAsync(writerB, Request([.. Enumerable.Range(1, Traces).Select(t => Resource("etcd",
                Span(t, 3, 2, "etcdserverpb.KV/Range", t * 100 + 2, 5)))])));
        await using var reader = await ClickHouseTraceStore.OpenAsync(options);

        for (var t = 1; t <= Traces; t++)
        {
            var trace = await reader.GetTraceAsync(new TraceId((UInt128)t), CancellationToken.None);
            Assert.NotNull(trace);
            Assert.Equal(["GET /api/v1/pods", "etcd get", "etcdserverpb.KV/Range"],
                trace.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name).Order(StringComparer.Ordinal));
        }
        var found = await reader.FetchAsync(new FetchRequest(TimeRange.All, [Condition.Service("etcd")], AllConditions: true, Traces * 2), CancellationToken.None);
        Assert.Equal(Traces, found.Count);
        // By a resource attribute: each resource is written once per INSERT, on one shard, for spans on both.
        var byResource = await reader.FetchAsync(new FetchRequest(TimeRange.All,
            [Condition.Attribute("service.name", "apiserver", AttributeScope.Resource)], AllConditions: true, Traces * 2), CancellationToken.None);
        Assert.Equal(Traces, byResource.Count);
        Assert.Equal(["apiserver", "etcd"], await reader.GetServicesAsync(CancellationToken.None));
        var edge = Assert.Single(await reader.GetDependenciesAsync(TimeRange.All, CancellationToken.None));
        Assert.Equal(("apiserver", "etcd", (long)Traces), (edge.Parent, edge.Child, edge.CallCount));

        var rowsPerShard = new List<long>();
        var shardsPerTrace = new Dictionary<string, int>();
        using var http = new HttpClient();
        foreach (var shard in options.ShardEndpoints)
        {
            var answer = await http.PostAsync(shard, new StringContent(
                $"SELECT hex(trace_id), count() FROM {options.Database}.spans_local GROUP BY trace_id FORMAT TSV"));
            var lines = (await answer.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            rowsPerShard.Add(lines.Sum(l => long.Parse(l.Split('\t')[1])));
            foreach (var line in lines) shardsPerTrace[line.Split('\t')[0]] = shardsPerTrace.GetValueOrDefault(line.Split('\t')[0]) + 1;
        }
        Assert.All(rowsPerShard, rows => Assert.InRange(rows, 1, Traces * 3 - 1)); // both shards hold some traces
        Assert.Equal(Traces, shardsPerTrace.Count);
        Assert.All(shardsPerTrace.Values, shards => Assert.Equal(1, shards)); // and a trace stays on one shard
        var stats = reader.GetStats();
        Assert.Equal(Traces * 3, stats.Spans);
        // Per shard, as system.parts on each shard counts them; inserts are this instance's own (the reader wrote none).
        Assert.Equal(options.ShardEndpoints.Select(e => e.ToString()), stats.Backend!.Servers.Select(s => s.Endpoint));
        Assert.Equal(rowsPerShard, stats.Backend.Servers.Select(s => s.SpanRows));
        Assert.Equal((0L, 0), (stats.Backend.InsertedSpans, stats.Backend.InsertsInFlight));
        var writer = writerA.GetStats().Backend!;
        Assert.Equal((1L, Traces * 2L), (writer.Inserts, writer.InsertedSpans));
        Assert.True(writer.MeanInsertLatency > TimeSpan.Zero && writer.MaxInsertLatency >= writer.MeanInsertLatency);
    }

    private static Task AppendAsync(ITraceStore store, Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest request) =>
        store.AppendAsync(TraceBatch.FromEncoded(request.ToByteArray(), TraceBatch.CountSpans(request)), CancellationToken.None).AsTask();
}
