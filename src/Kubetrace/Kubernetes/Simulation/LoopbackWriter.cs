using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The apiserver's requests to itself (docs/catalog.md): the ResourceQuota admission plugin charges a create to
/// its namespace's quota with <c>UpdateStatus(context.TODO(), ...)</c> through the loopback client. With no span in
/// that context the loopback's otelhttp client span is the root of a trace of its own; the request it sends is
/// served, re-entrantly, by the same apiserver as system:apiserver (system:masters), so from 1.33 its server span
/// is the client span's child and before a new trace linked to it. Nothing joins it to the admitted request.
/// </summary>
internal sealed class LoopbackWriter(SimulationContext sim, ApiserverWriter apiserver)
{
    /// <summary>The namespaces that have a ResourceQuota (quota admission writes only there).</summary>
    public static readonly IReadOnlyList<string> QuotaNamespaces = ["shop", "payments"];

    public const string QuotaName = "compute-quota";

    private static readonly HashSet<string> QuotaTracked = ["pods", "configmaps", "secrets"];

    /// <summary>Charges a create to its namespace's quota from <paramref name="t"/> (admission waits for it); returns when done.</summary>
    public long ChargeQuota(ApiCall call, long t)
    {
        if (call.Resource.Aggregated is not null || call.Resource.Group.Length > 0 || !QuotaTracked.Contains(call.Resource.Resource)
            || call.Subresource.Length > 0 || !QuotaNamespaces.Contains(call.Namespace)) return t;
        var random = sim.Random;
        sim.Report.LoopbackRequests++;
        var update = new ApiCall(ApiVerb.Update, ApiResource.ResourceQuotas, "status", call.Namespace, QuotaName, sim.Cluster.Loopback);
        var start = t + random.Micros(20, 100);
        var client = sim.Recorder.Root(sim.Cluster.Apiserver, SimulatedScope.OtelHttp, "HTTP " + update.Verb.Method, SpanKind.Client, start, sim.Sampler);
        var served = apiserver.Write(update, start + random.Micros(30, 120), client.Context);
        var end = served.End + random.Micros(30, 120);
        sim.Semconv.HttpClient(client, update.Verb.Method, "https://127.0.0.1:6443" + update.Url, "127.0.0.1", 6443, served.Status);
        sim.Recorder.End(client, end, served.Failed ? $"HTTP {served.Status}" : null);
        return end + random.Micros(5, 20);
    }
}
