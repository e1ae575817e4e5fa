using Kubetrace.Analysis.Sampling;
using Kubetrace.Kubernetes.Analyses.Flow;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Storage;
using Kubetrace.Tests.Kubernetes.Simulation;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Analyses.Flow;

/// <summary>
/// At a sampling rate below one, some requests of a rollout are not recorded (each root apiserver trace and each
/// syncPod is kept on its own): the flow keeps their gaps with no value and says which step is missing, who emits
/// it and at which configured rate it was kept — never a shorter flow that looks complete.
/// </summary>
public sealed class SampledFlowTests
{
    [Fact]
    public async Task A_step_lost_to_sampling_is_named_with_its_component_and_the_configured_rate()
    {
        var simulated = SimulatedSpans.Run(new SimulationOptions
        {
            Scenarios = SimulationScenario.SlowScheduling, Duration = TimeSpan.FromSeconds(120), RequestsPerSecond = 20, Seed = 23,
            SamplingRatePerMillion = 500_000,
        });
        await using var store = new TempStore();
        foreach (var batch in simulated.Batches) await store.AppendAsync(batch.Request);
        var rates = new FlowRates(SamplingRates.Unknown.With(["apiserver=500000", "kubelet=500000"]));

        var flows = new List<ActionFlow>();
        foreach (var rollout in simulated.Report.Rollouts.DistinctBy(r => (r.Namespace, r.Deployment)))
            flows.Add(await FlowAnalysis.AnalyseAsync(store.Store, TimeRange.All, FlowTarget.Parse($"deployment/{rollout.Namespace}/{rollout.Deployment}"),
                200, 10, rates, CancellationToken.None));

        var incomplete = flows.Where(f => f.Missing.Count > 0).ToList();
        Assert.NotEmpty(incomplete); // half of the requests are dropped: some flow lost a step
        foreach (var flow in incomplete)
        {
            Assert.All(flow.Gaps.Where(g => g.Missing is not null), g => Assert.Null(g.Nanos));
            Assert.All(flow.Missing.Where(m => !m.StartsWith(FlowGaps.EndToEnd, StringComparison.Ordinal)),
                m => Assert.Contains("samplingRatePerMillion 500000: 1 in 2 kept", m));
            Assert.Contains(flow.Notes, n => n.StartsWith("At these rates (apiserver 500000, kubelet 500000 per million) a flow of ", StringComparison.Ordinal));
        }
        var bindings = incomplete.SelectMany(f => f.Missing).Where(m => m.Contains(": scheduling delay: Binding missing", StringComparison.Ordinal)).ToList();
        Assert.All(bindings, m => Assert.Contains("kube-scheduler does not trace", m));
    }
}
