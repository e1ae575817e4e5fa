using System.Text.Json;
using Kubetrace.Analysis;
using Kubetrace.Analysis.Red;
using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.ServiceGraph;
using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Kubernetes.Analyses.Pods;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// The six analysis states on simulated traffic: split into arbitrary sets of whole traces, each written as a
/// rollup's bytes, read back and merged, they report exactly what one state over every trace reports; a state
/// written and read back writes the same bytes again.
/// </summary>
public sealed class RollupStateTests(MixedScenarioStore cluster) : IClassFixture<MixedScenarioStore>
{
    [Fact]
    public Task Apiserver() => AssertMergesAndRoundTrips(ApiserverLatencyAnalysis.Rollup, () => new ApiserverLatencyAnalysis(TimeRange.All), s => s.Report());

    [Fact]
    public Task Webhooks() => AssertMergesAndRoundTrips(WebhookLatencyAnalysis.Rollup, () => new WebhookLatencyAnalysis(TimeRange.All), s => s.Report());

    [Fact]
    public Task Etcd() => AssertMergesAndRoundTrips(EtcdLatencyAnalysis.Rollup, () => new EtcdLatencyAnalysis(TimeRange.All), s => s.Report());

    [Fact]
    public Task Pods() => AssertMergesAndRoundTrips(PodStartupState.Rollup, () => new PodStartupState(TimeRange.All), s => PodsAnalysis.Report(s, 1000));

    [Fact]
    public Task Graph() => AssertMergesAndRoundTrips(ServiceGraphState.Rollup, () => new ServiceGraphState(TimeRange.All), s => s.Result());

    [Fact]
    public Task Red() => AssertMergesAndRoundTrips(RedState.Rollup, () => new RedState(TimeRange.All), s => s.Result(TimeRange.All, null));

    private async Task AssertMergesAndRoundTrips<TState>(StateRollup<TState> rollup, Func<TState> create, Func<TState, object> report)
        where TState : class, IRollupState<TState>
    {
        var traces = await cluster.TracesAsync(create().ScanRequest);
        var whole = create();
        foreach (var trace in traces) whole.Add(trace);

        // Three sets of arbitrary sizes, traces shuffled: whole traces are all a block guarantees.
        var random = new Random(3);
        var parts = new[] { create(), create(), create() };
        foreach (var trace in traces.OrderBy(_ => random.Next())) parts[random.Next(10) switch { < 5 => 0, < 8 => 1, _ => 2 }].Add(trace);
        var merged = create();
        foreach (var part in parts) merged.Merge(rollup.Read(StateRollup<TState>.ToBytes(part)));

        var expected = Json(report(whole));
        Assert.True(expected.Length > 500, $"too little found to compare: {expected}");
        Assert.Equal(expected, Json(report(merged)));

        var bytes = StateRollup<TState>.ToBytes(whole);
        var read = rollup.Read(bytes);
        Assert.Equal(expected, Json(report(read)));
        Assert.Equal(bytes, StateRollup<TState>.ToBytes(read));
    }

    private static string Json(object report) => JsonSerializer.Serialize(report, report.GetType(), AnalysisJson.Options);
}
