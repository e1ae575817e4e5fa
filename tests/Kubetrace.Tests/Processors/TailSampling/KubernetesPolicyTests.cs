using System.Buffers.Binary;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.Sampling;
using Kubetrace.Processors.TailSampling;
using static Kubetrace.Tests.Processors.TailSampling.TailSamplingHarness;

namespace Kubetrace.Tests.Processors.TailSampling;

/// <summary>The <c>kubernetes</c> policy on spans shaped like the components' (see KubernetesPolicy's sources).</summary>
public class KubernetesPolicyTests
{
    private static readonly PolicyConfig Preset = new() { Name = "kubernetes", Type = "kubernetes", Kubernetes = new() { SamplingRatePerMillion = 0 } };

    private static async Task<TailSamplingHarness> Run(PolicyConfig policy, params (string Service, Span Span)[] spans)
    {
        var harness = new TailSamplingHarness(With(policy));
        foreach (var (service, span) in spans) await harness.SendFrom(service, span);
        await harness.DecideAsync();
        return harness;
    }

    [Fact]
    public async Task Keeps_apiserver_errors_and_nothing_else_at_rate_zero()
    {
        var harness = await Run(Preset,
            ("apiserver", Span(1, "HTTP GET", attributes: [("http.response.status_code", 503)])),
            ("apiserver", Span(2, "HTTP GET", status: Status.Types.StatusCode.Error)),
            ("apiserver", Span(3, "HTTP GET", attributes: [("http.status_code", 404)])),
            ("scheduler", Span(4, "Scheduling", status: Status.Types.StatusCode.Error)));
        Assert.Equal([1, 2], harness.ForwardedTraces);
        Assert.All(harness.Forwarded, s => Assert.Equal("ot=th:0", s.TraceState));
    }

    [Fact]
    public async Task The_current_status_code_attribute_decides_wherever_it_stands_and_the_old_one_only_without_it()
    {
        var harness = await Run(Preset,
            ("apiserver", Span(1, "HTTP GET", attributes: [("http.status_code", 200), ("http.response.status_code", 503)])),
            ("apiserver", Span(2, "HTTP GET", attributes: [("http.status_code", 503), ("http.response.status_code", 200)])),
            ("apiserver", Span(3, "HTTP GET", attributes: [("http.response.status_code", "503"), ("http.status_code", 503)])),
            ("apiserver", Span(4, "HTTP GET", attributes: [("other", 1), ("http.status_code", 502)])));
        Assert.Equal([1, 4], harness.ForwardedTraces);
    }

    [Fact]
    public async Task Keeps_webhook_calls_that_never_completed_or_were_slow()
    {
        var completed = Span(3, "Call validating webhook", durationMs: 20);
        completed.Events.Add(new Span.Types.Event { Name = "Request completed" });
        var slow = Span(2, "Call mutating webhook", durationMs: 800);
        slow.Events.Add(new Span.Types.Event { Name = "Request completed" });
        var harness = await Run(Preset,
            ("apiserver", Span(1, "Call mutating webhook", durationMs: 10_000)), // timed out: no "Request completed"
            ("apiserver", slow), ("apiserver", completed));
        Assert.Equal([1, 2], harness.ForwardedTraces);
    }

    [Fact]
    public async Task Keeps_slow_etcd_calls_and_slow_pod_starts()
    {
        var harness = await Run(Preset,
            ("apiserver", Span(1, "GuaranteedUpdate etcd3", durationMs: 250)),
            ("apiserver", Span(2, "etcdserverpb.KV/Txn", durationMs: 150)),
            ("apiserver", Span(3, "Get etcd3", durationMs: 5)),
            ("kubelet", Span(4, "syncPod", durationMs: 12_000, attributes: [("k8s.pod.update_type", "create")])),
            ("kubelet", Span(5, "syncPod", durationMs: 12_000, attributes: [("k8s.pod.update_type", "sync")])));
        Assert.Equal([1, 2, 4], harness.ForwardedTraces);
    }

    [Fact]
    public async Task Samples_the_rest_by_the_components_rule_and_records_the_rate_in_th()
    {
        var policy = new PolicyConfig { Name = "kubernetes", Type = "kubernetes", Kubernetes = new() { SamplingRatePerMillion = 100_000 } };
        var spans = Enumerable.Range(0, 3000).Select(i => ("apiserver", Span(i, "HTTP GET"))).ToArray();
        var harness = await Run(policy, spans);

        var expected = spans.Select(s => s.Item2).Where(s => (BinaryPrimitives.ReadUInt64BigEndian(s.TraceId.Span[8..]) >> 1) < (ulong)(0.1 * (1UL << 63)))
            .Select(s => BitConverter.ToInt32(s.TraceId.Span[..4])).ToHashSet();
        Assert.Equal(expected, harness.ForwardedTraces);
        foreach (var span in harness.Forwarded)
        {
            Assert.True(OtelTraceState.TryParse(span.TraceState, out var state, out _));
            Assert.Equal(10, state.Threshold!.Value.AdjustedCount, 2);
            Assert.True(state.Threshold.Value.ShouldSample(state.Randomness!.Value));
        }
    }
}
