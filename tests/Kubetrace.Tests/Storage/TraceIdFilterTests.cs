using Kubetrace.Storage.Blocks;

namespace Kubetrace.Tests.Storage;

/// <summary>The trace-ID filter an open block keeps in place of its trace table: it never turns a trace of the block
/// away, and lets through about one in a hundred of the others (each costs a read of the block's footer).</summary>
public sealed class TraceIdFilterTests
{
    [Fact]
    public void Every_trace_of_the_block_passes_and_few_others_do()
    {
        var random = new Random(42);
        UInt128 Next() => new((ulong)random.NextInt64(), (ulong)random.NextInt64());
        var held = Enumerable.Range(0, 10_000).Select(_ => Next()).Order().ToArray();
        var filter = TraceIdFilter.Of(held);

        Assert.All(held, id => Assert.True(filter.MayHold(id)));
        var others = Enumerable.Range(0, 100_000).Select(_ => Next()).Except(held).ToArray();
        var passed = others.Count(filter.MayHold);
        Assert.True(passed < others.Length / 50, $"{passed} of {others.Length} other IDs passed");
        Assert.True(filter.Bytes < held.Length * 2, $"{filter.Bytes} B for {held.Length} traces");
    }

    [Fact]
    public void Ids_counted_up_are_filtered_as_well_as_random_ones()
    {
        var held = Enumerable.Range(1, 1000).Select(i => (UInt128)(i * 2)).ToArray();
        var filter = TraceIdFilter.Of(held);

        Assert.All(held, id => Assert.True(filter.MayHold(id)));
        Assert.True(Enumerable.Range(1, 1000).Count(i => filter.MayHold((UInt128)(i * 2 + 1))) < 20);
        Assert.False(filter.MayHold(0));
        Assert.False(filter.MayHold(2001 + 1000));
        Assert.False(TraceIdFilter.Of([]).MayHold(1));
    }
}
