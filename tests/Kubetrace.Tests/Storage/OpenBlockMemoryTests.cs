using Kubetrace.Storage.Blocks;
using Kubetrace.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// What an open block keeps in managed memory for its whole life, measured in this process (GC heap after a full
/// collection, before and after opening the blocks): the soak of issue 10 showed the process's floor rising with
/// every block written, because each block's value dictionary held ~190 B of objects per distinct non-string value.
/// The blocks here are what the soak writes under pressure: small ones, of the soak client's requests.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class OpenBlockMemoryTests(ITestOutputHelper output)
{
    private const int Blocks = 6, RequestsPerBlock = 8;

    [Fact]
    public async Task An_open_block_of_soak_spans_keeps_a_small_index_in_managed_memory()
    {
        await using var temp = SoakBlocks.NewStore();
        await new SoakBlocks(temp.Store, RequestsPerBlock).WriteAsync(Blocks);
        var paths = Directory.GetFiles(Path.Combine(temp.Directory, "blocks"), "*.ktb");
        Assert.Equal(Blocks, paths.Length);

        var cache = new RowGroupCache(1024);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var opened = paths.Select(path => BlockReader.Open(path, cache, NullLogger.Instance)).ToList();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        try
        {
            var spans = opened.Sum(b => (long)b.SpanCount);
            var perBlock = (after - before) / Blocks;
            var perSpan = (double)(after - before) / spans;
            output.WriteLine($"{Blocks} blocks, {spans} spans: {after - before} managed bytes kept open, {perBlock} per block, {perSpan:F1} per span");
            Assert.Equal(Blocks * RequestsPerBlock * SoakBlocks.SpansPerRequest, spans);
            Assert.True(perSpan <= Bound, $"{perSpan:F1} managed bytes per stored span kept by open blocks ({perBlock} per block); bound {Bound}");
        }
        finally
        {
            foreach (var block in opened) block.Dispose();
        }
    }

    /// <summary>Bytes per stored span an open block may keep: its trace table and postings, values kept encoded.</summary>
    private const double Bound = 100;
}
