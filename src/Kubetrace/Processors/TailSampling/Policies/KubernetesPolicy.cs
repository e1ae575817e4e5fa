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

    // Read from the span's bytes: this policy runs on every buffered span, and decoding them would cost more than the rest.
    private bool IsProblem(BufferedSpan buffered)
    {
        var span = buffered.Wire;
        var fields = buffered.Fields;
        var milliseconds = (fields.EndTimeUnixNano - fields.StartTimeUnixNano) / 1_000_000.0;
        var isError = fields.StatusCode == (int)Status.Types.StatusCode.Error;
        var name = buffered.Name;
        if (config.ApiserverErrors && buffered.Group.Resource.ServiceName == "apiserver" && (isError || HttpStatus(span) >= 500)) return true;
        if (name.SequenceEqual("Call mutating webhook"u8) || name.SequenceEqual("Call validating webhook"u8))
        {
            if (config.WebhookFailures && (isError || !span.HasEvent("Request completed"u8))) return true;
            if (config.WebhookSlowMs > 0 && milliseconds >= config.WebhookSlowMs) return true;
        }
        if (config.EtcdSlowMs > 0 && milliseconds >= config.EtcdSlowMs && IsEtcdCall(name, span)) return true;
        if (config.PodStartSlowMs > 0 && milliseconds >= config.PodStartSlowMs && name.SequenceEqual("syncPod"u8)
            && span.TryGetAttribute("k8s.pod.update_type"u8, out var updateType) && updateType.TryGetString(out var text) && text.SequenceEqual("create"u8)) return true;
        return false;
    }

    private static bool IsEtcdCall(ReadOnlySpan<byte> name, EncodedSpan span) =>
        name.EndsWith(" etcd3"u8)
        || name.StartsWith("etcdserverpb."u8)
        || span.TryGetAttribute("rpc.service"u8, out var service) && service.TryGetString(out var text) && text.StartsWith("etcdserverpb."u8);

    private static long HttpStatus(EncodedSpan span) =>
        span.TryGetAttribute("http.response.status_code"u8, fallback: "http.status_code"u8, out var status) && status.TryGetInt(out var code) ? code : 0;
}
