using Kubetrace.Storage;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Scan;
using Microsoft.Extensions.Logging.Abstractions;
using static Kubetrace.Tests.Storage.Links.LinkedTraces;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage.Links;

/// <summary>
/// "Which traces link to trace X": answered from the head's link map, a block's link table (format 2), a format 1
/// block's extras, and any mix of them, always the same as a scan of every span's links.
/// </summary>
public sealed class LinkLookupTests
{
    private static async Task<IReadOnlyList<LinkingTrace>> FindAsync(ITraceStore store, TimeRange? range = null, int limit = 100,
        IReadOnlyCollection<Kubetrace.Storage.TraceId>? targets = null) =>
        await store.FindLinkingTracesAsync(targets ?? Targets, range ?? TimeRange.All, limit, CancellationToken.None);

    [Fact]
    public async Task The_head_finds_the_traces_linking_in_as_soon_as_they_are_appended()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Request());

        Assert.Equal(Expected, await FindAsync(temp.Store));
    }

    [Fact]
    public async Task A_block_answers_from_its_link_table_and_agrees_with_a_scan_of_every_span()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Request());
        await temp.Store.FlushHeadAsync();

        Assert.Equal(0, temp.Store.GetStats().HeadSpans);
        Assert.Equal(Expected, await FindAsync(temp.Store));
        Assert.Equal(Expected, await LinkScan.FindAsync(temp.Store, Targets, TimeRange.All, 100, CancellationToken.None));
    }

    [Fact]
    public async Task The_range_is_on_the_linking_span_start_and_the_limit_keeps_the_latest()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Request());
        await temp.Store.FlushHeadAsync();
        await temp.AppendAsync(Request()); // the same again in the head: still one answer per (trace, target)

        var early = await FindAsync(temp.Store, new TimeRange(StartNanos(0), StartNanos(150)));
        var two = await FindAsync(temp.Store, limit: 2);
        var onlyTwo = await FindAsync(temp.Store, targets: [Id(2)]);

        Assert.Equal([new LinkingTrace(Id(10), Id(1), StartNanos(100))], early);
        Assert.Equal(Expected[..2], two);
        Assert.Equal([new LinkingTrace(Id(11), Id(2), StartNanos(200))], onlyTwo);
        Assert.Empty(await FindAsync(temp.Store, targets: [Id(15)]));
    }

    [Fact]
    public async Task A_trace_split_between_a_block_and_the_head_is_found_in_both_and_counted_once()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Request(Resource("apiserver", Linking(20, 1, 0, 100, 1))));
        await temp.Store.FlushHeadAsync();
        await temp.AppendAsync(Request(Resource("apiserver", Linking(20, 2, 1, 300, 1), Linking(21, 1, 0, 200, 1))));

        Assert.Equal(
            [new LinkingTrace(Id(20), Id(1), StartNanos(300)), new LinkingTrace(Id(21), Id(1), StartNanos(200))],
            await FindAsync(temp.Store, targets: [Id(1)]));
    }

    [Fact]
    public async Task Compaction_carries_the_links_of_the_merged_blocks_into_the_new_one()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, CompactionInterval = TimeSpan.FromHours(1) });
        await temp.AppendAsync(Request());
        await temp.Store.FlushHeadAsync();
        await temp.AppendAsync(Request(Resource("apiserver", Linking(20, 1, 0, 950, 2))));
        await temp.Store.FlushHeadAsync();

        Assert.Equal(2, await temp.Store.CompactAsync(CancellationToken.None));

        Assert.Equal(1, temp.Store.GetStats().Blocks);
        Assert.Equal([new LinkingTrace(Id(20), Id(2), StartNanos(950)), .. Expected], await FindAsync(temp.Store));
    }

    [Fact]
    public void A_block_round_trips_its_link_table_sorted_by_target()
    {
        var head = new HeadBlock(1);
        head.Append(Bytes());
        var path = Path.Combine(Path.GetTempPath(), $"kubetrace-links-{Guid.NewGuid():N}.ktb");
        try
        {
            BlockWriter.Write(head, path, rowGroupSpans: 2);
            using var block = BlockReader.Open(path, new RowGroupCache(1024), NullLogger.Instance);

            var links = block.Footer.Links!;
            Assert.Equal(BlockFooter.Version, block.Footer.FormatVersion);
            Assert.Equal(5, links.Count); // 10→1, 11→1, 11→2, 12→1, 13→99
            Assert.Equal([Id(1).Value, Id(1).Value, Id(1).Value, Id(2).Value, Id(99).Value], links.Targets);
            Assert.Equal([Id(10), Id(11), Id(12), Id(11), Id(13)], links.Traces.Select(t => new Kubetrace.Storage.TraceId(block.Footer.Traces.Ids[t])));
            var found = new List<LinkingTrace>();
            block.FindLinkingTraces([Id(2).Value], TimeRange.All, found);
            Assert.Equal([new LinkingTrace(Id(11), Id(2), StartNanos(200))], found);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_format_1_block_without_a_link_table_still_opens_and_answers_from_its_extras()
    {
        var directory = Path.Combine(Path.GetTempPath(), "kubetrace-store-" + Guid.NewGuid().ToString("N"));
        var blocks = Directory.CreateDirectory(Path.Combine(directory, "blocks")).FullName;
        try
        {
            var head = new HeadBlock(1);
            head.Append(Bytes());
            BlockWriter.Write(head, Path.Combine(blocks, "000000000001.ktb"), rowGroupSpans: 2, formatVersion: 1);
            using (var old = BlockReader.Open(Path.Combine(blocks, "000000000001.ktb"), new RowGroupCache(1024), NullLogger.Instance))
            {
                Assert.Equal((1, null), (old.Footer.FormatVersion, old.Footer.Links));
                Assert.Equal(5, old.Links.Count);
            }

            await using var store = EmbeddedTraceStore.Open(new StoreOptions { Directory = directory });
            Assert.Equal(1, store.GetStats().Blocks);
            Assert.NotNull(await store.GetTraceAsync(Id(11), CancellationToken.None));
            Assert.Equal(Expected, await FindAsync(store));
            // New data in the head beside it: both answer.
            await store.AppendAsync(Kubetrace.Pipeline.TraceBatch.FromEncoded(
                Google.Protobuf.MessageExtensions.ToByteArray(Request(Resource("apiserver", Linking(30, 1, 0, 950, 2)))), 1), CancellationToken.None);
            Assert.Equal(new LinkingTrace(Id(30), Id(2), StartNanos(950)), (await FindAsync(store))[0]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
