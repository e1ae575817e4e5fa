using Kubetrace.Analysis;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Query;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using static Kubetrace.Tests.TestSupport.AnalysisAnswers;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// The same simulated cluster (every scenario planted) in the embedded store and in ClickHouse: every scanning
/// analysis, the service graph, the catalogs and searches must give the same answers on both; the analyses also
/// through ClickHouse's rollups (every minute rolled up) and by scanning every span.
/// </summary>
public abstract class AnalysesOnClickHouseSuite(MixedScenarioStore embedded, MixedScenarioStore clickHouse)
{
    public static TheoryData<string, string> Runs => new()
    {
        { "apiserver", "" }, { "webhooks", "" }, { "etcd", "" }, { "graph", "" }, { "red", "" }, { "red", "service=apiserver" },
        { "pods", "" }, { "pods", "by=image" }, { "pods", "by=node" },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Every_scanning_analysis_answers_on_ClickHouse_as_on_the_embedded_store(string analysis, string parameters)
    {
        var definition = AnalysisCatalog.Find(analysis)!;

        var onEmbedded = Json(await RunAsync(definition, embedded.Store, parameters));
        var onClickHouse = Json(await RunAsync(definition, clickHouse.Store, parameters));
        var onRollups = Json(await RunAsync(definition, clickHouse.RolledUp!, parameters));

        Assert.Contains("\"rows\":[[", onEmbedded, StringComparison.Ordinal); // the analysis found something to compare
        Assert.Equal(onEmbedded, onClickHouse);
        Assert.Equal(onEmbedded, onRollups);
    }

    [Fact]
    public async Task Through_the_rollups_every_analysis_merges_stored_states_and_scans_no_trace()
    {
        foreach (var rollup in KubetraceExporterConfig.AnalysisRollups())
        {
            int states = 0, scanned = 0;
            await clickHouse.RolledUp!.ScanRolledUpAsync(new SpanScanRequest(TimeRange.All, rollup.AttributeKeys), rollup,
                _ => scanned++, _ => states++, CancellationToken.None);
            Assert.True(states > 0 && scanned == 0, $"{rollup.Id}: {states} stored states merged, {scanned} traces scanned");
        }
    }

    [Fact]
    public async Task Services_operations_dependencies_and_attribute_catalogs_are_the_same()
    {
        var none = CancellationToken.None;
        Assert.Equal(await embedded.Store.GetServicesAsync(none), await clickHouse.Store.GetServicesAsync(none));
        Assert.Equal(await embedded.Store.GetOperationsAsync("apiserver", none), await clickHouse.Store.GetOperationsAsync("apiserver", none));
        Assert.Equal(await embedded.Store.GetDependenciesAsync(TimeRange.All, none), await clickHouse.Store.GetDependenciesAsync(TimeRange.All, none));
        foreach (var scope in new[] { AttributeScope.Span, AttributeScope.Resource, AttributeScope.Any })
            Assert.Equal(await embedded.Store.GetAttributeNamesAsync(scope, none), await clickHouse.Store.GetAttributeNamesAsync(scope, none));
        Assert.Equal(await embedded.Store.GetAttributeValuesAsync(AttributeScope.Span, "http.route", 1000, none),
            await clickHouse.Store.GetAttributeValuesAsync(AttributeScope.Span, "http.route", 1000, none));
    }

    [Theory]
    [InlineData("service=apiserver", 20)]
    [InlineData("status=error", 50)]
    [InlineData("duration>=500000000", 20)]
    [InlineData("k8s.namespace.name=default", 30)]
    [InlineData("name=~.*etcd.*", 10)]
    public async Task Searches_return_the_same_traces_with_the_same_summaries(string condition, int limit)
    {
        // Every matching span, compared as a set: which spans come first is the stores' own order (the embedded
        // store's changes when its head becomes a block, after 5 minutes: a busy machine's run outlives that).
        var request = new FetchRequest(TimeRange.All, [Parse(condition)], Limit: limit) { SpansPerTrace = 10_000 };

        var onEmbedded = await embedded.Store.FetchAsync(request, CancellationToken.None);
        var onClickHouse = await clickHouse.Store.FetchAsync(request, CancellationToken.None);

        Assert.NotEmpty(onEmbedded);
        var expected = Describe(onEmbedded.Take(limit));
        var actual = Describe(onClickHouse.Take(limit));
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++) Assert.Equal(expected[i], actual[i]);
        Assert.Equal(expected.Count, actual.Count);
    }

    private static Condition Parse(string text)
    {
        var (op, parts) = text.Contains(">=") ? (ConditionOp.GreaterOrEqual, text.Split(">="))
            : text.Contains("=~") ? (ConditionOp.Regex, text.Split("=~")) : (ConditionOp.Equal, text.Split('='));
        var intrinsic = parts[0] is "service" or "status" or "duration" or "name";
        return new Condition(intrinsic ? AttributeScope.Intrinsic : AttributeScope.Any, parts[0], op, parts[1]);
    }

    private static List<string> Describe(IEnumerable<TraceMatch> matches) => matches.Select(m =>
        $"{m.Summary.TraceId} {m.Summary.RootService}/{m.Summary.RootName} {m.Summary.StartUnixNano}+{m.Summary.DurationNano} " +
        $"spans={m.Summary.SpanCount} errors={m.Summary.ErrorCount} [{string.Join(",", m.Summary.Services)}] matched=" +
        string.Join(";", m.Spans.Select(s => $"{s.SpanId:x}:{s.Name}:{string.Join(",", s.Attributes)}").Order(StringComparer.Ordinal))).ToList();
}

/// <summary>The comparison against one ClickHouse server.</summary>
public sealed class AnalysesOnClickHouseTests(MixedScenarioStore embedded, ClickHouseMixedScenarioStore clickHouse)
    : AnalysesOnClickHouseSuite(embedded, clickHouse), IClassFixture<MixedScenarioStore>, IClassFixture<ClickHouseMixedScenarioStore>;

/// <summary>The comparison against a two-shard ClickHouse cluster (each trace on the shard its ID picks).</summary>
public sealed class AnalysesOnClickHouseShardsTests(MixedScenarioStore embedded, ClickHouseShardsMixedScenarioStore clickHouse)
    : AnalysesOnClickHouseSuite(embedded, clickHouse), IClassFixture<MixedScenarioStore>, IClassFixture<ClickHouseShardsMixedScenarioStore>;
