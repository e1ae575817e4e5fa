using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A read of a resource with a watch cache goes through the cacher: <c>cacher.Get</c> / <c>cacher.GetList</c>
/// answers from memory when the request allows it (<c>resourceVersion=0</c>; from 1.31 also a list without
/// resourceVersion, ConsistentListFromCache) and otherwise hands the read to etcd under its span. A resource without
/// a watch cache (events) is read from etcd directly.
/// </summary>
internal sealed class CacherWriter(SimulationContext sim, EtcdWriter etcd)
{
    /// <summary>Writes the read under the handler starting at <paramref name="start"/>; returns when it ended.</summary>
    public long Read(ApiCall call, SimulatedSpanContext handler, string auditId, long start)
    {
        if (!call.Resource.WatchCached) return etcd.Store(call, handler, auditId, start);
        var random = sim.Random;
        var list = call.Verb.IsList;
        var span = sim.Recorder.Child(handler, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, list ? "cacher.GetList" : "cacher.Get",
            SpanKind.Internal, start);
        var t = start + random.Micros(3, 15);
        if (ServedFromCache(call))
        {
            sim.Report.ReadsFromCache++;
            t += list ? random.Micros(200, 2_500) : random.Micros(10, 60); // copying and filtering the cached objects
        }
        else
            t = etcd.Store(call, span.Context, auditId, t);
        var end = t + random.Micros(3, 15);
        sim.Recorder.End(span, end);
        return end;
    }

    private bool ServedFromCache(ApiCall call) =>
        call.ResourceVersion == "0" ||
        (call.Verb.IsList && call.ResourceVersion.Length == 0 && sim.Options.KubernetesVersion.ConsistentListFromCache);
}
