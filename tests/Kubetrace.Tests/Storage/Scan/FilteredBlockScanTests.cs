using Kubetrace.Storage;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Scan;
using Kubetrace.Storage.Scan.Columnar;
using Microsoft.Extensions.Logging.Abstractions;
using static Kubetrace.Tests.TestSupport.Spans;
using TraceIdValue = Kubetrace.Storage.TraceId;

namespace Kubetrace.Tests.Storage.Scan;

/// <summary>
/// Service-filtered scans over a block of many row groups, which decode ahead only the groups holding a trace of
/// a requested service: they deliver exactly what the object scan does and what a filter over every trace keeps,
/// whichever groups qualify (none, only the last, a few apart, all).
/// </summary>
public class FilteredBlockScanTests
{
    private const int Traces = 12; // one span each, two spans per row group: six groups, traces 1–2 in the first
    private static readonly TimeRange Everything = new(0, long.MaxValue);

    /// <summary>A store whose one block holds traces 1..12 (trace t starts at t seconds), of service etcd when
    /// listed in <paramref name="etcd"/>, frontend otherwise.</summary>
    private static async Task<TempStore> BlockOfTwelveAsync(int[] etcd)
    {
        var temp = new TempStore(dir => new StoreOptions { Directory = dir, RowGroupSpans = 2 });
        for (var t = 1; t <= Traces; t++)
            await temp.AppendAsync(Request(Resource(etcd.Contains(t) ? "etcd" : "frontend", Span(t, 1, 0, $"op-{t}", t * 1000, 10))));
        await temp.Store.FlushHeadAsync();
        Assert.Equal(0, temp.Store.GetStats().HeadSpans);
        return temp;
    }

    private static SpanScanRequest EtcdIn(TimeRange range) => new(range, ["missing"]) { Services = new HashSet<string> { "etcd" } };

    private static TimeRange Seconds(int from, int to) => new(StartNanos(from * 1000), StartNanos(to * 1000));

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 12 })]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 4, 9 })]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })]
    public async Task A_filtered_scan_of_a_block_delivers_the_traces_of_the_requested_service_and_no_other(int[] etcd)
    {
        await using var temp = await BlockOfTwelveAsync(etcd);

        var all = await ScanSnapshot.AssertSameAsFallbackAsync(temp.Store, EtcdIn(Everything));
        var middle = await ScanSnapshot.AssertSameAsFallbackAsync(temp.Store, EtcdIn(Seconds(3, 10)));

        Assert.Equal(etcd.Select(Id).Order(StringComparer.Ordinal), all.Keys);
        Assert.Equal(etcd.Where(t => t is >= 3 and < 10).Select(Id).Order(StringComparer.Ordinal), middle.Keys);
        Assert.All(all, trace => Assert.Contains("etcd/op-", trace.Value));
    }

    [Fact]
    public async Task A_trace_whose_requested_service_is_only_in_the_head_gets_its_spans_from_a_group_not_read_ahead()
    {
        await using var temp = await BlockOfTwelveAsync([4, 9]);
        // Trace 6 is frontend in the block (group 2, between the groups read ahead) and calls etcd in the head.
        await temp.AppendAsync(Request(Resource("etcd", Span(6, 2, 1, "range", 6002, 5))));

        var traces = await ScanSnapshot.AssertSameAsFallbackAsync(temp.Store, EtcdIn(Everything));

        Assert.Equal([Id(4), Id(6), Id(9)], traces.Keys);
        Assert.Contains("frontend/op-6", traces[Id(6)]);
        Assert.Contains("etcd/range", traces[Id(6)]);
    }

    [Fact]
    public async Task The_groups_read_ahead_are_those_holding_a_trace_of_a_requested_service_in_the_range()
    {
        await using var temp = await BlockOfTwelveAsync([4, 9]);
        using var block = OpenOnlyBlock(temp);
        Assert.Equal(6, block.Footer.RowGroups.Length);

        bool[] ReadAhead(SpanScanRequest request) =>
            RowGroupsToRead.Of(block, request.Range, new QualifyingServiceSets(block.Footer, request.Services));

        Assert.Equal([false, true, false, false, true, false], ReadAhead(EtcdIn(Everything)));
        Assert.Equal([false, true, false, false, false, false], ReadAhead(EtcdIn(Seconds(1, 9))));
        Assert.Equal([false, false, false, false, false, false], ReadAhead(EtcdIn(Seconds(5, 9))));
        Assert.Equal([true, true, true, true, true, true], ReadAhead(new SpanScanRequest(Everything, [])));
        // A trace spanning [5 s, 5.01 s] may have a span starting in a range from 5.005 s: its group is read.
        Assert.Equal([false, false, true, true, false, false], ReadAhead(new SpanScanRequest(new TimeRange(StartNanos(5005), StartNanos(8000)), [])));
    }

    private static BlockReader OpenOnlyBlock(TempStore temp)
    {
        var path = Assert.Single(Directory.EnumerateFiles(temp.Directory, "*.ktb", SearchOption.AllDirectories));
        return BlockReader.Open(path, new RowGroupCache(1024), NullLogger.Instance);
    }

    private static string Id(int trace) => TraceIdValue.FromByteString(TraceId(trace)).ToString();
}
