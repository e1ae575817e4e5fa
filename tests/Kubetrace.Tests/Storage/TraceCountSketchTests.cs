using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Query;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// The sketch of its trace IDs a block keeps so that stats count distinct traces without reading footers: exact
/// while blocks are small and the traces few, within a few percent beyond, and never more than 4 KiB a block.
/// </summary>
public sealed class TraceCountSketchTests
{
    [Fact]
    public void Small_blocks_sharing_traces_count_each_trace_once_exactly()
    {
        var counter = new DistinctTraces();
        foreach (var first in new[] { 0, 200, 400 })                      // blocks of 300 traces, 100 shared with the next
            TraceCountSketch.Of(Ids(first, 300)).AddTo(counter);

        Assert.Equal(700, counter.Count());
    }

    [Fact]
    public void Large_blocks_sharing_traces_count_within_the_sketch_error_in_4_KiB_each()
    {
        var counter = new DistinctTraces();
        var sketches = new[] { 0, 30_000, 60_000 }.Select(first => TraceCountSketch.Of(Ids(first, 40_000))).ToArray();
        foreach (var sketch in sketches) sketch.AddTo(counter);
        foreach (var id in Ids(95_000, 10_000)) counter.Add(TraceCountSketch.Hash(id));  // a head, half of it in the last block

        var count = counter.Count();
        Assert.InRange(count, 105_000 * 0.95, 105_000 * 1.05);                   // 105,000 distinct: ±3 standard errors
        Assert.All(sketches, s => Assert.True(s.Bytes <= 4096 + 64, $"{s.Bytes} B"));
    }

    /// <summary>Trace IDs counted up, as some clients and the tests make them.</summary>
    private static UInt128[] Ids(int first, int count) => Enumerable.Range(first, count).Select(i => (UInt128)(i + 1)).ToArray();
}
