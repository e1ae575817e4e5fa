using System.Text;
using Kubetrace.Analysis;
using Kubetrace.Storage;
using Kubetrace.Tests.Analysis;
using static Kubetrace.Tests.TestSupport.AnalysisAnswers;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Every scanning analysis through the store's rollup path: some traces handed over as per-block rollups (bytes the
/// analysis wrote, read back and merged), the rest scanned live, must give exactly the answer of a plain scan —
/// data and table, with the parameters applied after merging.
/// </summary>
public sealed class RolledUpAnalysesTests(MixedScenarioStore cluster) : IClassFixture<MixedScenarioStore>
{
    public static TheoryData<string, string> Runs => new()
    {
        { "apiserver", "" }, { "webhooks", "" }, { "etcd", "" }, { "graph", "" }, { "red", "" }, { "red", "service=apiserver" },
        { "pods", "" }, { "pods", "by=image" }, { "pods", "by=node" }, { "pods", "limit=3" },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Two_rollups_merged_with_live_traces_answer_as_a_plain_scan_does(string analysis, string parameters)
    {
        var definition = AnalysisCatalog.Find(analysis)!;
        var plain = Json(await RunAsync(definition, cluster.Store, parameters));
        var store = new RollingUpStore(cluster.Store, rolledUpParts: 2);

        var merged = Json(await RunAsync(definition, store, parameters));

        Assert.True(store.LastRolledUp.Traces > 100, $"only {store.LastRolledUp.Traces} traces rolled up");
        Assert.Contains("\"rows\":[[", plain, StringComparison.Ordinal); // the analysis found something to compare
        Assert.Equal(plain, merged);
    }

    [Theory]
    [InlineData("apiserver")]
    [InlineData("webhooks")]
    [InlineData("etcd")]
    [InlineData("pods")]
    [InlineData("graph")]
    [InlineData("red")]
    public async Task With_every_trace_rolled_up_into_three_parts_nothing_is_lost_or_counted_twice(string analysis)
    {
        var definition = AnalysisCatalog.Find(analysis)!;
        var store = new RollingUpStore(cluster.Store, rolledUpParts: 3, livePart: false);

        var merged = Json(await RunAsync(definition, store, ""));

        Assert.Matches($"^{analysis}-[0-9]+$", definition.Rollup!.Id); // the version goes up when the state gains fields
        Assert.Equal(Json(await RunAsync(definition, cluster.Store, "")), merged);
    }

    [Fact]
    public void A_rollup_that_is_not_the_analysis_bytes_is_a_clear_error_naming_it()
    {
        var rollup = Kubetrace.Kubernetes.Analyses.ApiserverLatencyAnalysis.Rollup;

        var error = Assert.Throws<InvalidDataException>(() => rollup.Read(Encoding.UTF8.GetBytes("not a rollup at all")));

        Assert.StartsWith($"rollup {rollup.Id}: unreadable state", error.Message, StringComparison.Ordinal);
        Assert.Matches("^apiserver-[0-9]+$", rollup.Id);
    }
}
