using Kubetrace.Kubernetes.Simulation;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// A traced caller's trace and the apiserver's are separate traces joined by a span link; from 1.33 a caller in
/// system:masters becomes the parent instead. Untraced callers send no traceparent: no link.
/// </summary>
public sealed class LinkTests
{
    private static SimulatedSpans Run(string version) => SimulatedSpans.Run(new SimulationOptions
    {
        KubernetesVersion = KubernetesVersion.Parse(version),
        RequestsPerSecond = 60,
        Duration = TimeSpan.FromSeconds(15),
    });

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.34")]
    public void Each_kubelet_call_is_linked_from_exactly_one_apiserver_trace_of_its_own(string version)
    {
        var simulated = Run(version);
        var kubeletCalls = simulated.Of("kubelet").Where(s => s.Kind == SpanKind.Client && s.Name.StartsWith("HTTP ", StringComparison.Ordinal)).ToList();
        var linkedFrom = simulated.Of("apiserver").Where(s => s.Kind == SpanKind.Server)
            .SelectMany(server => server.Span.Links.Select(link => (server, caller: simulated.Find(link.TraceId, link.SpanId))))
            .Where(x => x.caller is not null)
            .ToLookup(x => x.caller!);

        Assert.NotEmpty(kubeletCalls);
        Assert.All(kubeletCalls, call =>
        {
            var server = Assert.Single(linkedFrom[call]).server;
            Assert.NotEqual(call.TraceId, server.TraceId);
            Assert.True(server.Span.ParentSpanId.IsEmpty);
            Assert.Equal(call.Name, "HTTP " + (server.Attr("http.method") ?? server.Attr("http.request.method")));
            Assert.InRange(server.Span.StartTimeUnixNano, call.Span.StartTimeUnixNano, call.Span.EndTimeUnixNano);
            Assert.InRange(server.Span.EndTimeUnixNano, call.Span.StartTimeUnixNano, call.Span.EndTimeUnixNano);
        });
    }

    [Theory]
    [InlineData("1.31", false)]
    [InlineData("1.34", true)]
    public void A_system_masters_caller_becomes_the_parent_from_133(string version, bool adopted)
    {
        var simulated = Run(version);
        var deployerCalls = simulated.Of("platform-deployer").ToList();

        Assert.NotEmpty(deployerCalls);
        var children = simulated.Of("apiserver").Where(s => s.Kind == SpanKind.Server && simulated.Parent(s)?.Service == "platform-deployer").ToList();
        var linked = simulated.Of("apiserver").Where(s => s.Span.Links.Any(l => simulated.Find(l.TraceId, l.SpanId)?.Service == "platform-deployer")).ToList();
        Assert.Equal(adopted ? deployerCalls.Count : 0, children.Count);
        Assert.Equal(adopted ? 0 : deployerCalls.Count, linked.Count);
        Assert.All(children, child => Assert.Empty(child.Span.Links));
    }

    [Fact]
    public void Requests_of_untraced_callers_start_a_trace_without_links()
    {
        var simulated = Run("1.34");
        var scheduler = simulated.Of("apiserver")
            .Where(s => s.Kind == SpanKind.Server && s.Attr("user_agent.original")!.StartsWith("kube-scheduler/", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(scheduler);
        Assert.All(scheduler, s => Assert.Empty(s.Span.Links));
        Assert.All(scheduler, s => Assert.True(s.Span.ParentSpanId.IsEmpty));
    }
}
