using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query.TraceQl;
using Kubetrace.Storage;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Head;
using Microsoft.Extensions.Logging.Abstractions;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Query.TraceQl;

/// <summary>
/// <c>{ event:name = "etcd" }</c> and <c>{ event.x = ... }</c> go to storage: a block lists its event names (format 5)
/// and event/link attribute keys (format 4), so a block without them is skipped; in a block that may hold them only
/// rows with extras are looked into, so a trace without such an event is never read whole. Counted here: the traces
/// the engine reads whole. An older block (no list) is still searched, never skipped.
/// </summary>
public sealed class TraceQlEventPushdownTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kubetrace-store-" + Guid.NewGuid().ToString("N"));
    private EmbeddedTraceStore _store = null!;
    private ReadCounter _counter = null!;

    /// <summary>Traces 1–20 in a format 4 block (written as an older version would: no event names), 21–40 and
    /// 41–60 in current blocks, 61–70 in the head. Events: "etcd" on 33, 5 (old block) and 65 (head); "watch" with
    /// attribute reason on 45; every trace's root has a "log" event without attributes except the odd ones.</summary>
    public async Task InitializeAsync()
    {
        var blocks = Directory.CreateDirectory(Path.Combine(_directory, "blocks")).FullName;
        var old = new HeadBlock(1);
        old.Append(Google.Protobuf.MessageExtensions.ToByteArray(Traces(1, 20)));
        BlockWriter.Write(old, Path.Combine(blocks, "000000000001.ktb"), rowGroupSpans: 8, formatVersion: 4);
        _store = EmbeddedTraceStore.Open(new StoreOptions { Directory = _directory, Retention = TimeSpan.Zero });
        foreach (var (first, last) in new[] { (21, 40), (41, 60) })
        {
            await Append(Traces(first, last));
            await _store.FlushHeadAsync();
        }
        await Append(Traces(61, 70));
        _counter = new ReadCounter(_store);
    }

    private ValueTask Append(Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest request) =>
        _store.AppendAsync(Kubetrace.Pipeline.TraceBatch.FromEncoded(Google.Protobuf.MessageExtensions.ToByteArray(request), Kubetrace.Pipeline.TraceBatch.CountSpans(request)),
            CancellationToken.None);

    private static Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest Traces(int first, int last)
    {
        var resources = new List<ResourceSpans>();
        for (var trace = first; trace <= last; trace++)
        {
            var root = Span(trace, 1, 0, "GET /api/v1/pods", startMs: trace * 10);
            var child = Span(trace, 2, 1, "etcdserverpb.KV/Range", startMs: trace * 10 + 1);
            if (trace % 2 == 0) root.Events.Add(new Span.Types.Event { Name = "log", TimeUnixNano = BaseTime });
            if (trace is 5 or 33 or 65) child.Events.Add(new Span.Types.Event { Name = "etcd", TimeUnixNano = BaseTime });
            if (trace == 45) child.Events.Add(new Span.Types.Event { Name = "watch", TimeUnixNano = BaseTime, Attributes = { Attr("reason", "oom") } });
            resources.Add(Resource("apiserver", root, child));
        }
        return Request([.. resources]);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<List<int>> Search(string query)
    {
        _counter.Read.Clear();
        var result = await new TraceQlSearch(_counter).SearchAsync(new TraceQlSearchRequest(Parser.Parse(query), TimeRange.All, 100), CancellationToken.None);
        return result.Traces.Select(t => (int)t.Summary.TraceId.Value).Order().ToList();
    }

    [Fact]
    public async Task An_event_name_reads_only_the_traces_with_that_event_and_the_older_block_is_still_searched()
    {
        Assert.Equal([5, 33, 65], await Search("{ event:name = \"etcd\" }"));
        Assert.Equal([5, 33, 65], _counter.Read.Order());

        Assert.Equal([5, 33, 65], await Search("{ event:name =~ \"et.*\" && name = \"etcdserverpb.KV/Range\" }"));
        Assert.Equal([5, 33, 65], _counter.Read.Order());
    }

    [Fact]
    public async Task An_event_name_no_block_lists_reads_nothing_whole()
    {
        Assert.Empty(await Search("{ event:name = \"absent\" }"));
        Assert.Empty(_counter.Read);
    }

    [Fact]
    public async Task An_event_attribute_reads_only_blocks_that_hold_its_key()
    {
        Assert.Equal([45], await Search("{ event.reason = \"oom\" }"));
        // The block of 41–60 has the key; the format 4 block and the other current block list their keys without it;
        // the head is read (it lists nothing).
        Assert.All(_counter.Read, trace => Assert.True(trace is >= 41 and <= 60 or > 60, $"trace {trace} read"));
        Assert.Contains(45, _counter.Read);
    }

    [Fact]
    public async Task Pushed_down_answers_equal_the_engines_own_on_every_trace()
    {
        // The same filters on the right of "{ true } &&" are not pushed down (the first filter is): every trace is read.
        foreach (var (pushed, unpushed) in new[]
                 {
                     ("{ event:name = \"etcd\" }", "{ true } && { event:name = \"etcd\" }"),
                     ("{ event:name = \"log\" }", "{ true } && { event:name = \"log\" }"),
                     ("{ event.reason = \"oom\" }", "{ true } && { event.reason = \"oom\" }"),
                     ("{ event:name != \"log\" }", "{ true } && { event:name != \"log\" }"),
                 })
        {
            var expected = await Search(unpushed);
            var readAll = _counter.Read.Count;
            Assert.Equal(expected, await Search(pushed));
            Assert.True(_counter.Read.Count <= readAll, $"{pushed}: {_counter.Read.Count} read, {readAll} unpushed");
        }
    }

    [Fact]
    public void A_block_lists_its_event_names_and_an_older_one_may_hold_any()
    {
        var blocks = Path.Combine(_directory, "blocks");
        using var old = BlockReader.Open(Path.Combine(blocks, "000000000001.ktb"), new RowGroupCache(1024), NullLogger.Instance);
        var current = Directory.GetFiles(blocks, "*.ktb").Order(StringComparer.Ordinal).Skip(1).First();
        using var block = BlockReader.Open(current, new RowGroupCache(1024), NullLogger.Instance);

        Assert.Equal((4, null), (old.Footer.FormatVersion, old.Footer.EventNames));
        Assert.Equal(BlockFooter.Version, block.Footer.FormatVersion);
        Assert.Equal(["etcd", "log"], block.Footer.EventNames!);
    }
}
