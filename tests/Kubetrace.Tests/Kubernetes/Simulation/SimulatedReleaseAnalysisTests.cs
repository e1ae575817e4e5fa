using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Storage;
using Kubetrace.Tests.Kubernetes.Upstream;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// The simulator and the analyses agree on every release: the apiserver analysis of a release's simulated traffic
/// leaves every watch out, gives filter shares only where the release traces them, and the slow webhook's share of
/// the p99 is the largest, whatever shape the release gives its spans.
/// </summary>
public sealed class SimulatedReleaseAnalysisTests
{
    [Theory]
    [MemberData(nameof(ApiserverCatalogConformanceTests.Releases), MemberType = typeof(ApiserverCatalogConformanceTests))]
    public void The_analyses_read_every_releases_simulated_traffic(string version)
    {
        var run = SimulatedReleases.Of(version, SimulationScenario.SlowWebhook, seconds: 10);
        var minor = KubernetesVersion.Parse(version).Minor;
        var apiserver = new ApiserverLatencyAnalysis(TimeRange.All);
        var webhooks = new WebhookLatencyAnalysis(TimeRange.All);
        foreach (var trace in UpstreamCorpus.Traces(run.Batches.Select(b => b.Request), apiserver.ScanRequest)) apiserver.Add(trace);
        foreach (var trace in UpstreamCorpus.Traces(run.Batches.Select(b => b.Request), webhooks.ScanRequest)) webhooks.Add(trace);
        var report = apiserver.Report();

        Assert.Equal(run.Report.Watches, report.LongRunningLeftOut);
        // Each aggregated request is served twice: by kube-apiserver's proxy and by metrics-server (service.name apiserver too).
        Assert.Equal(run.Report.ApiserverRequests + run.Report.AggregatedRequests - run.Report.Watches, report.Requests);
        Assert.DoesNotContain(report.Groups, g => g.Verb == "watch");
        Assert.All(report.Groups, g => Assert.Equal(minor <= 32, g.Shares.Authentication is not null));
        Assert.All(report.Groups, g => Assert.Equal(minor >= 34, g.Shares.Authorization is not null));
        Assert.Equal(minor >= 33, report.SeparateAuthentication is not null);
        Assert.Equal(run.Report.SlowWebhook!.Webhook, webhooks.Report().Webhooks.MaxBy(w => w.ShareOfApiserverP99)!.Name);
    }
}
