using Kubetrace.Kubernetes.Catalog;
using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// Admission as the apiserver runs it: the mutating webhooks that intercept the request one after another, then the
/// validating ones all at once. Each call is a <c>Call ... webhook</c> span (resource as Go prints the
/// GroupVersionResource, "Request completed" and "Patch applied" events, no status of its own) with otelhttp's
/// <c>HTTP POST</c> under it, which carries the status code or the transport error (docs/catalog.md).
/// </summary>
internal sealed class WebhookWriter(SimulationContext sim)
{
    /// <summary>Runs admission from <paramref name="t"/> (moved to its end); false when a webhook with failurePolicy Fail failed.</summary>
    public bool Admit(ApiCall call, string operation, SimulatedSpanContext handler, ref long t)
    {
        var admitted = true;
        foreach (var webhook in AdmissionWebhook.Cluster)
        {
            if (!webhook.Mutating || !webhook.Intercepts(call.Resource.Resource, call.Subresource, operation)) continue;
            var (end, ok) = Call(webhook, call, operation, handler, t);
            t = end + sim.Random.Micros(10, 40);
            if (!ok) return false;
        }
        var validatingStart = t;
        foreach (var webhook in AdmissionWebhook.Cluster)
        {
            if (webhook.Mutating || !webhook.Intercepts(call.Resource.Resource, call.Subresource, operation)) continue;
            var (end, ok) = Call(webhook, call, operation, handler, validatingStart);
            t = Math.Max(t, end);
            admitted &= ok;
        }
        return admitted;
    }

    private (long End, bool Admitted) Call(AdmissionWebhook webhook, ApiCall call, string operation, SimulatedSpanContext handler, long start)
    {
        var random = sim.Random;
        var span = sim.Recorder.Child(handler, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, webhook.SpanName, SpanKind.Internal, start);
        var uid = random.Uuid();
        if (span.Proto is { } proto)
        {
            proto.Attributes.Add(sim.Attributes.Str(ApiserverKeys.Configuration, webhook.Configuration));
            proto.Attributes.Add(sim.Attributes.Str(ApiserverKeys.Webhook, webhook.Name));
            proto.Attributes.Add(sim.Attributes.Str(ApiserverKeys.Resource, call.Resource.GroupVersionResource));
            proto.Attributes.Add(sim.Attributes.Str(ApiserverKeys.Subresource, call.Subresource));
            proto.Attributes.Add(sim.Attributes.Str(ApiserverKeys.Operation, operation));
            proto.Attributes.Add(Str(ApiserverKeys.Uid, uid));
        }
        var postStart = start + random.Micros(10, 40);
        var post = sim.Recorder.Child(span.Context, false, sim.Cluster.Apiserver, SimulatedScope.OtelHttp, ApiserverSpans.WebhookPost, SpanKind.Client, postStart);
        var duration = random.Micros(webhook.MinMicros, webhook.MaxMicros);
        var status = 200;
        string? error = null;
        var admitted = true;
        if (webhook == sim.Faults.SlowWebhook)
        {
            var report = sim.Faults.SlowWebhookReport!;
            report.Calls++;
            if (PlantedFaults.IsNthOfRate(report.Calls, PlantedFaults.WebhookTimeoutRate))
            {
                // failurePolicy Ignore: the call is abandoned at the timeout and the request goes on.
                report.TimedOutCalls++;
                duration = sim.Faults.SlowWebhookTimeout.Ticks * 100;
                status = 0;
                error = $"failed calling webhook \"{webhook.Name}\": context deadline exceeded";
            }
            else
            {
                duration += sim.Options.WebhookAddedLatency.Ticks * 100;
            }
        }
        if (webhook == sim.Faults.FailingWebhook)
        {
            var report = sim.Faults.FailingWebhookReport!;
            report.Calls++;
            if (PlantedFaults.IsNthOfRate(report.Calls, PlantedFaults.WebhookFailureRate))
            {
                report.FailedCalls++;
                status = 500;
                error = $"failed calling webhook \"{webhook.Name}\": the server responded with 500 Internal Server Error";
                admitted = false;
            }
        }
        var postEnd = postStart + duration;
        sim.Semconv.WebhookPost(post, webhook.Url, webhook.Host, status);
        sim.Recorder.End(post, postEnd, status is 0 or >= 400 ? error : null);
        var end = postEnd + random.Micros(10, 60);
        if (status is > 0 and < 400)
        {
            span.AddEvent(postEnd + random.Micros(2, 10), ApiserverEvents.RequestCompleted);
            if (webhook.Mutating) span.AddEvent(end - 1_000, ApiserverEvents.PatchApplied);
        }
        sim.Recorder.End(span, end);
        return (end, admitted);
    }
}
