using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query;
using Kubetrace.Storage;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Head;
using Kubetrace.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Query;

/// <summary>
/// A Jaeger tag that no span or resource attribute has may still be in an event, a link or a scope: the engine then
/// reads every trace the other conditions allow. Blocks list their event and link attribute keys (format 4), so
/// that blocks holding the key nowhere are skipped; the trace reads counted here are what that saves.
/// </summary>
public sealed class TagFallbackPruningTests : IAsyncLifetime
{
    private readonly TempStore _temp = new();
    private ReadCounter _store = null!;

    public async Task InitializeAsync()
    {
        // Two blocks of 20 kubelet traces each; only trace 33, in the newer block, has the tag, in an event.
        for (var block = 0; block < 2; block++)
        {
            var resources = new List<ResourceSpans>();
            for (var trace = block * 20 + 1; trace <= block * 20 + 20; trace++)
            {
                var span = Span(trace, 1, 0, "SyncPod", startMs: trace);
                if (trace == 33) span.Events.Add(new Span.Types.Event { Name = "evicted", TimeUnixNano = BaseTime, Attributes = { Attr("reason", "oom") } });
                if (trace == 5) span.Links.Add(new Span.Types.Link { TraceId = TraceId(99), SpanId = SpanId(1), Attributes = { Attr("cause", "retry") } });
                resources.Add(Resource("kubelet", span));
            }
            await _temp.AppendAsync(Request([.. resources]));
            await _temp.Store.FlushHeadAsync();
        }
        _store = new ReadCounter(_temp.Store);
    }

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private async Task<IReadOnlyList<FoundTrace>> SearchAsync(string key, string value) =>
        await new QueryEngine(_store).SearchAsync(new TraceQuery(TimeRange.All,
            [Condition.Service("kubelet"), new QueryCondition(Condition.Attribute(key, value), Everywhere: true)], Limit: 20), CancellationToken.None);

    [Fact]
    public async Task A_tag_only_in_an_event_is_found_reading_only_the_block_that_has_the_key()
    {
        var found = await SearchAsync("reason", "oom");

        Assert.Equal(33, (int)Assert.Single(found).Summary.TraceId.Value);
        Assert.Equal(Enumerable.Range(21, 20), _store.Read.Order()); // the older block has no "reason" anywhere: skipped
    }

    [Fact]
    public async Task A_tag_only_in_a_link_is_found()
    {
        var found = await SearchAsync("cause", "retry");

        Assert.Equal(5, (int)Assert.Single(found).Summary.TraceId.Value);
        Assert.Equal(Enumerable.Range(1, 20), _store.Read.Order());
    }

    [Fact]
    public async Task A_tag_present_nowhere_reads_no_trace()
    {
        Assert.Empty(await SearchAsync("a", "x"));
        Assert.Empty(_store.Read);
    }

    [Fact]
    public async Task A_key_with_another_value_still_reads_the_blocks_that_have_the_key()
    {
        Assert.Empty(await SearchAsync("reason", "disk"));
        Assert.Equal(Enumerable.Range(21, 20), _store.Read.Order());
    }

    [Fact]
    public void A_block_lists_its_event_and_link_keys_and_an_older_block_may_hold_any_key()
    {
        var head = new HeadBlock(1);
        var span = Span(1, 1, 0, "SyncPod");
        span.Events.Add(new Span.Types.Event { Name = "evicted", Attributes = { Attr("reason", "oom"), Attr("node", "n1") } });
        span.Links.Add(new Span.Types.Link { TraceId = TraceId(2), SpanId = SpanId(1), Attributes = { Attr("cause", "retry") } });
        head.Append(Google.Protobuf.MessageExtensions.ToByteArray(Request(Resource("kubelet", span, Span(1, 2, 1, "Plain")))));
        var directory = Directory.CreateTempSubdirectory("kubetrace-extrakeys-").FullName;
        try
        {
            BlockWriter.Write(head, Path.Combine(directory, "new.ktb"), rowGroupSpans: 4);
            BlockWriter.Write(head, Path.Combine(directory, "old.ktb"), rowGroupSpans: 4, formatVersion: 3);
            using var block = BlockReader.Open(Path.Combine(directory, "new.ktb"), new RowGroupCache(1024), NullLogger.Instance);
            using var old = BlockReader.Open(Path.Combine(directory, "old.ktb"), new RowGroupCache(1024), NullLogger.Instance);

            Assert.Equal(["cause", "node", "reason"], block.Footer.ExtraKeys!);
            Assert.True(block.MayHoldKeys(["reason", "service.name"]));
            Assert.False(block.MayHoldKeys(["reason", "absent"]));
            Assert.Equal((3, null), (old.Footer.FormatVersion, old.Footer.ExtraKeys));
            Assert.True(old.MayHoldKeys(["absent"]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
