using Kubetrace.Analysis.Sampling;
using Kubetrace.Kubernetes.Analyses.Flow;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Upstream;

/// <summary>
/// <c>analyze flow</c> on a Deployment's server-side apply and its two pods' start-up, each component's spans
/// built as its source builds them at the tag (TestData/Upstream/flow/1.34-containerd-1.7.20; its README cites the
/// lines and gives the planted truth): every request of kubectl, the controllers, the scheduler and the kubelet's
/// status manager is a root apiserver trace joined only by names and storage keys, the kubelets' syncPods by
/// <c>k8s.pod</c>, containerd by the CRI call's traceparent.
/// </summary>
public sealed class FlowCorpusTests : IAsyncLifetime
{
    private const string Folder = "1.34-containerd-1.7.20";
    private const string Pod1 = "checkout-6b8f7c9d5-x7k2p";
    private const string Pod2 = "checkout-6b8f7c9d5-q9w4z";

    private readonly TempStore _store = new();
    private ActionFlow _flow = null!;

    public async Task InitializeAsync()
    {
        foreach (var request in UpstreamCorpus.Requests("flow", Folder)) await _store.AppendAsync(request);
        _flow = await FlowAnalysis.AnalyseAsync(_store.Store, TimeRange.All, FlowTarget.Parse("deployment/shop/checkout"), 200, 10,
            new FlowRates(SamplingRates.Unknown), CancellationToken.None);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private double Ms(string gap, string? pod = null) =>
        (_flow.Gap(gap, pod) ?? throw new InvalidOperationException($"no gap {gap} {pod}")).Nanos is { } nanos ? nanos / 1e6 : double.NaN;

    [Fact]
    public void The_controllers_and_the_scheduler_are_found_by_names_and_keys_and_their_gaps_are_the_planted_ones()
    {
        Assert.Equal([Pod2, Pod1], _flow.Pods.Order(StringComparer.Ordinal));
        Assert.Equal(34, Ms(FlowGaps.DeploymentQueueing), 3);
        Assert.Equal((8, 9), (Ms(FlowGaps.ReplicaSetQueueing, Pod1), Ms(FlowGaps.ReplicaSetQueueing, Pod2)));
        Assert.Equal((1000, 1011), (Ms(FlowGaps.Scheduling, Pod1), Ms(FlowGaps.Scheduling, Pod2)));
        Assert.Equal((38, 21), (Ms(FlowGaps.KubeletPickup, Pod1), Ms(FlowGaps.KubeletPickup, Pod2)));

        var binding = Assert.Single(_flow.Steps, s => s.Kind == FlowStepKind.Binding && s.Pod == Pod1);
        Assert.Equal(("kube-scheduler", $"create pods/binding {Pod1}"), (binding.Caller, binding.Operation));
        var replicaSet = Assert.Single(_flow.Steps, s => s.Kind == FlowStepKind.ReplicaSetCreate);
        Assert.Equal("kube-controller-manager (deployment-controller)", replicaSet.Caller);
        var action = Assert.Single(_flow.Steps, s => s.Kind == FlowStepKind.DeploymentWrite);
        Assert.Equal("apply deployments checkout", action.Operation);
        // kubectl does not trace: no client span, the flow starts at the apiserver's request.
        Assert.DoesNotContain(_flow.Steps, s => s.Kind == FlowStepKind.ClientCall);
    }

    [Fact]
    public void The_kubelets_CRI_phases_give_the_planted_image_pull_and_start_up()
    {
        Assert.Equal((600, 600), (Ms(FlowGaps.Sandbox, Pod1), Ms(FlowGaps.Sandbox, Pod2)));
        Assert.Equal((20_000, 0), (Ms(FlowGaps.ImagePull, Pod1), Ms(FlowGaps.ImagePull, Pod2)));
        Assert.Equal((230, 230), (Ms(FlowGaps.ContainerStart, Pod1), Ms(FlowGaps.ContainerStart, Pod2)));
        Assert.Equal((21_933, 1_926), (Ms(FlowGaps.PodStartup, Pod1), Ms(FlowGaps.PodStartup, Pod2)));
        Assert.Equal(21_991, Ms(FlowGaps.EndToEnd), 3);
        // The node is the kubelet resource's host.name: the kubelet puts none on its spans.
        Assert.Contains(_flow.Steps, s => s.Kind == FlowStepKind.SyncPod && s.Pod == Pod1 && s.Component == "kubelet (node-a)");
        Assert.Contains(_flow.Steps, s => s.Kind == FlowStepKind.Containerd && s.Pod == Pod1 && s.Operation.StartsWith("pkg.cri.server.PullImage", StringComparison.Ordinal));
    }

    [Fact]
    public void The_kubelets_status_patch_is_the_apiservers_own_trace_and_a_lost_one_is_reported_missing()
    {
        Assert.Equal(19, Ms(FlowGaps.StatusReport, Pod1), 3);
        var status = Assert.Single(_flow.Steps, s => s.Kind == FlowStepKind.PodStatus && s.Pod == Pod1);
        Assert.Equal(("kubelet", $"patch pods/status {Pod1}"), (status.Caller, status.Operation));

        var lost = _flow.Gap(FlowGaps.StatusReport, Pod2)!;
        Assert.Null(lost.Nanos);
        Assert.StartsWith("pods/status missing: ", lost.Missing);
        Assert.Contains(_flow.Missing, m => m.StartsWith($"{Pod2}: {FlowGaps.StatusReport}: pods/status missing", StringComparison.Ordinal));
        Assert.Single(_flow.Missing);
    }
}

/// <summary>The same corpus sent over OTLP to a real query server and asked with the CLI, as a user would.</summary>
public sealed class FlowCorpusCliTests : IAsyncLifetime
{
    private Kubetrace.Tests.Api.QueryServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await Kubetrace.Tests.Api.QueryServer.StartAsync();
        var file = Path.Combine(UpstreamCorpus.Folder("flow", "1.34-containerd-1.7.20"), "deployment-apply.json");
        await _server.PostOtlpJsonAsync(await File.ReadAllTextAsync(file), "flow corpus");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Analyze_flow_names_and_measures_the_gaps_and_the_missing_status_patch()
    {
        // The corpus is dated 2026-03-02: the range reaches back to it.
        var url = _server.QueryUrl;
        var json = await Kubetrace.Tests.Cli.CliRun.RunAsync("analyze", "flow", "deployment/shop/checkout", "--server", url, "--since", "3650d", "--json");
        var text = await Kubetrace.Tests.Cli.CliRun.RunAsync("analyze", "flow", "deployment/shop/checkout", "--server", url, "--since", "3650d", "--width", "250");

        Assert.True(json.Code == 0, json.Error);
        var gaps = System.Text.Json.Nodes.JsonNode.Parse(json.Output)!["gaps"]!.AsArray();
        double? Ms(string name, string? pod) => gaps.Single(g => (string?)g!["name"] == name && (string?)g!["pod"] == pod)!["nanos"]?.GetValue<long>() / 1e6;
        Assert.Equal(1000, Ms(FlowGaps.Scheduling, "checkout-6b8f7c9d5-x7k2p"));
        Assert.Equal(20_000, Ms(FlowGaps.ImagePull, "checkout-6b8f7c9d5-x7k2p"));
        Assert.Null(Ms(FlowGaps.StatusReport, "checkout-6b8f7c9d5-q9w4z"));
        Assert.Equal(0, text.Code);
        Assert.Contains("checkout-6b8f7c9d5-x7k2p: replicaset controller queueing 8ms, scheduling delay 1s, kubelet pickup 38ms, sandbox 600ms, image pull 20s, " +
            "container create and start 230ms, status report 19ms, pod start-up 21.9s", text.Lines);
        Assert.Contains(text.Lines, l => l.Contains("pods/status missing", StringComparison.Ordinal));
    }
}
