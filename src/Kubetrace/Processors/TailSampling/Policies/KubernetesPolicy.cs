using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.Sampling;

namespace Kubetrace.Processors.TailSampling.Policies;

/// <summary>
/// Kubetrace's <c>kubernetes</c> policy: keeps (at probability 1, recorded as <c>th:0</c>) every trace with an apiserver
/// error, a failed, timed-out or slow admission webhook call, a slow etcd call or a slow pod start, and keeps every
/// other trace by the components' TraceIDRatioBased rule at <c>sampling_rate_per_million</c>.
/// </summary>
/// <remarks>
/// What it looks for, from the components' source (k8s.io/apiserver v0.34.0): the webhook dispatchers start
/// "Call mutating webhook" / "Call validating webhook" (admission/plugin/webhook/mutating/dispatcher.go:266,
/// validating/dispatcher.go:267) and add the event "Request completed" only when the call returned
/// (mutating/dispatcher.go:312); storage spans end in " etcd3" ("Create etcd3", "GuaranteedUpdate etcd3",
/// storage/etcd3/store.go:264, 455); the apiserver's resource is service.name "apiserver"; the kubelet's "syncPod"
/// span carries k8s.pod.update_type (kubelet.go, SyncPod). etcd client spans are otelgrpc's, rpc.service
/// "etcdserverpb.*".
/// </remarks>
internal sealed class KubernetesPolicy(string name, KubernetesPolicyConfig config) : SamplingPolicy(name)
{
    private readonly TraceIdRatio _ratio = TraceIdRatio.FromRatePerMillion(config.SamplingRatePerMillion);
    private readonly SamplingThreshold _threshold = TraceIdRatio.FromRatePerMillion(config.SamplingRatePerMillion).ConsistentThreshold.RoundedDown(4);

    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        foreach (var buffered in trace.Spans)
            if (IsProblem(buffered)) return PolicyDecision.Sampled;
        var traceId = trace.TraceIdBytes;
        return _ratio.Keeps(traceId)
            ? new PolicyDecision(Decision.Sampled, _threshold, TraceIdRatio.ConsistentRandomness(traceId))
            : PolicyDecision.NotSampled;
    }

    private bool IsProblem(BufferedSpan buffered)
    {
        var span = buffered.Span;
        var milliseconds = (span.EndTimeUnixNano - span.StartTimeUnixNano) / 1_000_000.0;
        var isError = span.Status?.Code == Status.Types.StatusCode.Error;
        if (config.ApiserverErrors && ServiceName(buffered) == "apiserver" && (isError || HttpStatus(span) >= 500)) return true;
        if (span.Name is "Call mutating webhook" or "Call validating webhook")
        {
            if (config.WebhookFailures && (isError || span.Events.All(e => e.Name != "Request completed"))) return true;
            if (config.WebhookSlowMs > 0 && milliseconds >= config.WebhookSlowMs) return true;
        }
        if (config.EtcdSlowMs > 0 && milliseconds >= config.EtcdSlowMs && IsEtcdCall(span)) return true;
        if (config.PodStartSlowMs > 0 && milliseconds >= config.PodStartSlowMs && span.Name == "syncPod"
            && TraceData.Find(span.Attributes, "k8s.pod.update_type")?.StringValue == "create") return true;
        return false;
    }

    private static bool IsEtcdCall(Span span) =>
        span.Name.EndsWith(" etcd3", StringComparison.Ordinal)
        || span.Name.StartsWith("etcdserverpb.", StringComparison.Ordinal)
        || TraceData.Find(span.Attributes, "rpc.service")?.StringValue?.StartsWith("etcdserverpb.", StringComparison.Ordinal) == true;

    private static string? ServiceName(BufferedSpan buffered) =>
        buffered.Resource.Resource is { } resource ? TraceData.Find(resource.Attributes, "service.name")?.StringValue : null;

    private static long HttpStatus(Span span) =>
        (TraceData.Find(span.Attributes, "http.response.status_code") ?? TraceData.Find(span.Attributes, "http.status_code")) is
            { ValueCase: AnyValue.ValueOneofCase.IntValue } value ? value.IntValue : 0;
}
