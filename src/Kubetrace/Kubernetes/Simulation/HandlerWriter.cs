using Kubetrace.Kubernetes.Catalog;
using static Kubetrace.Bench.Workload.Attr;
using E = Kubetrace.Kubernetes.Catalog.ApiserverEvents;
using K = Kubetrace.Kubernetes.Catalog.ApiserverKeys;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The REST handler of a non-watch request as pkg/endpoints/handlers writes it: its span (traceFields' attributes
/// and the handler's events), admission webhooks for writes, storage (reads through the watch cache), and
/// SerializeObject for the response, the error responses included: the handler's sibling through 1.31, its child after.
/// </summary>
/// <remarks>
/// <paramref name="server"/> is the process serving the request (an extension API server's handlers read their own
/// memory, not etcd); <paramref name="loopback"/> writes admission's loopback requests (kube-apiserver only).
/// </remarks>
internal sealed class HandlerWriter(SimulationContext sim, EtcdWriter etcd, SimulatedComponent server, LoopbackWriter? loopback)
{
    private readonly WebhookWriter _webhooks = new(sim);

    private CacherWriter Cacher => field ??= new(sim, etcd);

    /// <summary>
    /// Writes the handler starting at <paramref name="start"/> under <paramref name="parent"/> (the request context's span);
    /// returns when it ended, the status, and the request body read and the response written, in bytes (otelhttp
    /// records both on the server span).
    /// </summary>
    public (long End, int Status, HttpBodies Bodies) Handle(ApiCall call, SimulatedSpanContext parent, string auditId, long start)
    {
        var random = sim.Random;
        var verb = call.Verb;
        var version = sim.Options.KubernetesVersion;
        var handler = sim.Recorder.Child(parent, false, server, SimulatedScope.ComponentBase, verb.HandlerSpan, SpanKind.Internal, start);
        HandlerAttributes.Describe(sim, handler, call, auditId);
        var bodyLength = verb.AdmissionOperation is null ? 0 : (int)random.Between(600, 4_000);

        var t = start + random.Micros(20, 80); // decoding the body or the options
        if (verb == ApiVerb.Create || verb == ApiVerb.Update)
        {
            handler.AddEvent(t, E.ReadBodySucceeded, Int(K.Len, bodyLength));
            handler.AddEvent(t += random.Micros(5, 20), E.AboutToConvert);
            handler.AddEvent(t += random.Micros(10, 60), E.ConversionDone);
            handler.AddEvent(t += random.Micros(5, 20), E.AboutToStore);
        }
        else if (verb == ApiVerb.Patch)
        {
            handler.AddEvent(t, E.ReadBodySucceeded, Int(K.Len, bodyLength));
            handler.AddEvent(t += random.Micros(5, 20), E.RecordedAudit);
            handler.AddEvent(t += random.Micros(5, 20), E.AboutToApplyPatch);
            handler.AddEvent(t += random.Micros(20, 80), E.AboutToAdmit);
        }
        else if (verb == ApiVerb.Delete)
        {
            handler.AddEvent(t, E.DecodedDeleteOptions);
            handler.AddEvent(t += random.Micros(5, 20), E.RecordedAudit);
            handler.AddEvent(t += random.Micros(5, 20), E.AboutToDelete);
        }
        else if (verb == ApiVerb.Get)
            handler.AddEvent(t, E.AboutToGet);
        else if (verb.IsList && version.ListEvents)
            handler.AddEvent(t, E.AboutToList);

        if (verb.AdmissionOperation is { } operation && !_webhooks.Admit(call, operation, handler.Context, ref t))
        {
            if (verb == ApiVerb.Create || verb == ApiVerb.Update)
                handler.AddEvent(t += random.Micros(20, 80), E.WriteFailed, Int(K.Len, bodyLength),
                    Str(K.Err, "Internal error occurred: failed calling webhook"));
            const int statusSize = 412;
            var failedAt = Serialize(call, handler, parent, auditId, t, statusSize) + random.Micros(5, 20);
            sim.Recorder.End(handler, failedAt);
            return (failedAt, 500, new HttpBodies(bodyLength, statusSize));
        }

        if (verb.AdmissionOperation == "CREATE" && loopback is not null) t = loopback.ChargeQuota(call, t);

        t = call.Resource.Aggregated is not null ? AggregatedApiWriter.ServeFromMemory(sim, t)
            : verb.Etcd == GrpcMethod.EtcdRange
            ? Cacher.Read(call, handler, auditId, t + random.Micros(5, 20))
            : etcd.Write(call, handler.Context, auditId, t + random.Micros(5, 20));

        var count = verb.IsList ? (int)random.Between(1, 200) : 1;
        if (verb == ApiVerb.Create || verb == ApiVerb.Update) handler.AddEvent(t += random.Micros(2, 8), E.WriteSucceeded, Int(K.Len, bodyLength));
        else if (verb == ApiVerb.Patch) handler.AddEvent(t += random.Micros(2, 8), E.Stored);
        else if (verb == ApiVerb.Delete) handler.AddEvent(t += random.Micros(2, 8), E.Deleted);
        else if (verb.IsList && version.ListEvents) handler.AddEvent(t += random.Micros(2, 8), E.ListingDone);
        if (!verb.IsList) handler.AddEvent(t += random.Micros(2, 8), E.AboutToWriteResponse);

        var size = verb.IsList ? count * 2_000 : 2_000;
        var written = Serialize(call, handler, parent, auditId, t, size);
        var end = written + random.Micros(5, 30);
        if (verb.IsList)
        {
            if (version.ListEvents) handler.AddEvent(end - 1_000, E.ResponseDone, Int(K.Count, count));
        }
        else handler.AddEvent(end - 1_000, E.ResponseDone);
        sim.Recorder.End(handler, end);
        return (end, verb.SuccessStatus, new HttpBodies(bodyLength, size));
    }

    /// <summary>SerializeObject from <paramref name="start"/>, under the handler from 1.32, else beside it; returns when it ended.</summary>
    private long Serialize(ApiCall call, in OpenSpan handler, SimulatedSpanContext requestContext, string auditId, long start, int size)
    {
        var random = sim.Random;
        var version = sim.Options.KubernetesVersion;
        var serializeStart = start + random.Micros(5, 20);
        var span = sim.Recorder.Child(version.SerializeUnderHandler ? handler.Context : requestContext, false, server,
            SimulatedScope.ComponentBase, ApiserverSpans.SerializeObject, SpanKind.Internal, serializeStart);
        if (span.Proto is { } proto) ResponseEncoding.Describe(proto, call, auditId, sim.Attributes);
        var end = serializeStart + (call.Verb.IsList ? random.Micros(300, 4000) : random.Micros(20, 300));
        ResponseEncoding.WriteEvents(span, version, end - (end - serializeStart) / 4, end - 1_000, size);
        sim.Recorder.End(span, end);
        return end;
    }
}
