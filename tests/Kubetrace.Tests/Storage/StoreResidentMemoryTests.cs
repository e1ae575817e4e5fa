using Kubetrace.Storage;
using Kubetrace.Tests.TestSupport;
using Xunit.Abstractions;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// What a store keeps in managed memory for the blocks it holds on disk, once memory pressure made it give up what
/// it caches (<see cref="EmbeddedTraceStore.ReleaseMemoryAsync"/>, what the memory_limiter calls): the soak of issue
/// 10 at twice the sustainable rate saw the process's floor rise 227 → 349 MiB over ~5M stored spans (~28 B per
/// span), every written block keeping its trace table and postings. Measured in this process (GC heap after a full
/// collection) as more blocks of the soak's shape are written: the growth per stored span must stay small.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class StoreResidentMemoryTests(ITestOutputHelper output)
{
    private const int BlocksPerStep = 8, RequestsPerBlock = 8, MeasuredSteps = 3;

    [Fact]
    public async Task A_store_keeps_a_few_bytes_per_stored_span_in_memory_however_many_blocks_it_holds()
    {
        await using var temp = SoakBlocks.NewStore();
        var soak = new SoakBlocks(temp.Store, RequestsPerBlock);
        async Task<(long Spans, long Bytes)> WriteBlocksAsync()
        {
            await soak.WriteAsync(BlocksPerStep);
            var spans = temp.Store.GetStats().BlockSpans;
            await temp.Store.ReleaseMemoryAsync();
            return (spans, GC.GetTotalMemory(forceFullCollection: true));
        }

        // Two steps first: what the first blocks bring for good (pooled buffers of the threads that write them,
        // caches of the runtime) is not the blocks' (it was ~0.5 MB here, once).
        await WriteBlocksAsync();
        var steps = new List<(long Spans, long Bytes)> { await WriteBlocksAsync() };
        for (var step = 0; step < MeasuredSteps; step++) steps.Add(await WriteBlocksAsync());

        Assert.Equal((2L + MeasuredSteps) * BlocksPerStep * RequestsPerBlock * SoakBlocks.SpansPerRequest, steps[^1].Spans);
        foreach (var (from, to) in steps.Zip(steps.Skip(1)))
            output.WriteLine($"{from.Spans} → {to.Spans} stored spans: managed memory {from.Bytes:N0} → {to.Bytes:N0} B, " +
                $"{(double)(to.Bytes - from.Bytes) / (to.Spans - from.Spans):F2} B per span added");
        var perSpan = (double)(steps[^1].Bytes - steps[0].Bytes) / (steps[^1].Spans - steps[0].Spans);
        Assert.True(perSpan <= Bound, $"{perSpan:F2} managed bytes kept per stored span added ({steps[0].Spans} → {steps[^1].Spans} spans); bound {Bound}");
    }

    /// <summary>Bytes per stored span the store may keep for its blocks after a release: their summaries (time range,
    /// counts, a trace-ID filter of ~1.3 B per trace: ~0.3 B per span here; a trace-count sketch of at most 4 KiB a
    /// block: at most ~1 B per span of these 4,000-span blocks), not their indexes (~72 B per span here before), with
    /// room for the measurement's noise.</summary>
    private const double Bound = 8;
}
