using Kubetrace.Analysis;
using Kubetrace.Analysis.ServiceGraph;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Storage;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.AnalysisAnswers;

namespace Kubetrace.Tests.Storage.Rollups;

/// <summary>
/// A store written by a release before graph-5 and red-4 (now graph-7 and red-5; TestData/Rollups/graph-4: its blocks with the sidecars
/// that release built, graph-4 and red-3 among them; README there) opened by this one: the sidecars of the older
/// versions are deleted, their blocks scanned until the new ones are built, and the answers are the same before and
/// after the rebuild — with the link edges' examples and the watches apart that the old sidecars did not hold.
/// </summary>
public sealed class AnalysisRollupUpgradeTests
{
    private static readonly string Fixture = Path.Combine(RepoPaths.Root, "tests", "Kubetrace.Tests", "TestData", "Rollups", "graph-4");

    [Fact]
    public async Task Graph_and_red_read_a_store_of_version_4_rollups_correctly_before_and_after_their_rebuild()
    {
        await using var temp = new TempStore(directory =>
        {
            CopyDirectory(Fixture, directory);
            return new StoreOptions
            {
                Directory = directory, Retention = TimeSpan.Zero, Rollups = KubetraceExporterConfig.StoreRollups(), RollupSettle = TimeSpan.Zero,
                RollupInterval = TimeSpan.FromHours(1), CompactionInterval = TimeSpan.FromHours(1),
            };
        });
        var blocks = Path.Combine(temp.Directory, "blocks");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Fixture, "blocks"), "*.graph-4.rollup"));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Fixture, "blocks"), "*.red-3.rollup"));

        var scanned = Json(await RunAsync(AnalysisCatalog.Find("graph")!, temp.Store, ""));
        var scannedRed = Json(await RunAsync(AnalysisCatalog.Find("red")!, temp.Store, ""));
        var graph = await ServiceGraphAnalysis.ComputeAsync(temp.Store, TimeRange.All, CancellationToken.None);

        Assert.Empty(Directory.GetFiles(blocks, "*.graph-4.rollup"));
        Assert.Empty(Directory.GetFiles(blocks, "*.red-3.rollup"));
        Assert.NotEmpty(Directory.GetFiles(blocks, "*.apiserver-5.rollup")); // a rollup whose version stayed is kept
        var edge = Assert.Single(graph.Edges, e => e is { Parent: "kubelet", Child: "apiserver", Kind: ServiceEdge.Link });
        Assert.NotNull(edge.Examples);
        Assert.True(edge.Watches > 0, "no kubelet watch in the fixture");

        Assert.True(await temp.Store.BuildRollupsAsync(CancellationToken.None) > 0);
        Assert.NotEmpty(Directory.GetFiles(blocks, $"*.{ServiceGraphAnalysis.Definition.Rollup!.Id}.rollup"));
        Assert.Equal(0, temp.Store.GetStats().RollupsPending);
        Assert.Equal(scanned, Json(await RunAsync(AnalysisCatalog.Find("graph")!, temp.Store, "")));
        Assert.Equal(scannedRed, Json(await RunAsync(AnalysisCatalog.Find("red")!, temp.Store, "")));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            if (Path.GetFileName(file) != "README.md") File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
