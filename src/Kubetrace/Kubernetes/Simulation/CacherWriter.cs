using Kubetrace.Kubernetes.Catalog;
using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A read of a resource with a watch cache goes through the cacher (<see cref="ApiserverStorageCatalog"/>):
/// <list type="bullet">
/// <item>GET: through 1.31 no cacher span (a cached GET's watch-cache events land on the handler span, an etcd GET's
/// <c>KV/Range</c> hangs under the handler); from 1.32 <c>cacher.Get</c>, with the <c>KV/Range</c> under it when it
/// reads etcd (resourceVersion "").</item>
/// <item>LIST: a list the cache serves gets <c>cacher list</c> (through 1.31) or <c>cacher.GetList</c> (1.32+) with
/// its counts; a consistent list (resourceVersion "", ConsistentListFromCache from 1.31 with etcd 3.5.13+) first
/// asks etcd for the current revision (<c>List(recursive=false) etcd3</c>, limit 1: under the handler through
/// 1.33, inside <c>cacher.GetList</c> from 1.34); any other list goes to etcd (<c>List(recursive=true) etcd3</c>)
/// with no cacher span.</item>
/// </list>
/// A resource without a watch cache (events) is read from etcd directly.
/// </summary>
internal sealed class CacherWriter(SimulationContext sim, EtcdWriter etcd)
{
    private int Minor => sim.Options.KubernetesVersion.Minor;

    /// <summary>Writes the read under the handler starting at <paramref name="start"/>; returns when it ended.</summary>
    public long Read(ApiCall call, in OpenSpan handler, string auditId, long start)
    {
        if (call.Verb.IsList) return List(call, handler.Context, auditId, start);
        if (!sim.WatchCached(call.Resource)) return etcd.Get(call, handler.Context, start);
        return Minor >= 32 ? CachedGet(call, handler.Context, auditId, start) : LegacyGet(call, handler, start);
    }

    /// <summary>The cacher's watch registration: <c>cacher.Watch</c> from 1.36 (ending once the watcher is registered), untraced before.</summary>
    public static long RegisterWatch(SimulationContext sim, ApiCall call, SimulatedSpanContext parent, string auditId, long start)
    {
        var end = start + sim.Random.Micros(20, 150);
        if (sim.Options.KubernetesVersion.Minor < 36) return end;
        var span = sim.Recorder.Child(parent, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, StorageNames.CacherWatch, SpanKind.Internal, start);
        span.Proto?.Attributes.Add(Str(StorageKeys.AuditId, auditId));
        span.Proto?.Attributes.Add(sim.Attributes.Str(StorageKeys.Type, call.Resource.GroupResource));
        sim.Recorder.End(span, end);
        return end;
    }

    /// <summary>Through 1.31: no cacher span; the watch cache's events go to the span in the context, the handler's.</summary>
    private long LegacyGet(ApiCall call, in OpenSpan handler, long start)
    {
        if (call.ResourceVersion.Length == 0) return etcd.Get(call, handler.Context, start);
        sim.Report.ReadsFromCache++;
        var t = start + sim.Random.Micros(2, 10);
        handler.AddEvent(t, StorageEvents.WatchCacheLocked);
        handler.AddEvent(t + sim.Random.Micros(1, 5), StorageEvents.WatchCacheFresh);
        return t + sim.Random.Micros(10, 60);
    }

    private long CachedGet(ApiCall call, SimulatedSpanContext handler, string auditId, long start)
    {
        var random = sim.Random;
        var span = sim.Recorder.Child(handler, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, StorageNames.CacherGet, SpanKind.Internal, start);
        if (span.Proto is { } proto)
        {
            proto.Attributes.Add(Str(StorageKeys.AuditId, auditId));
            proto.Attributes.Add(Str(StorageKeys.Key, call.Resource.StorageKey(call.Namespace, call.Name)));
            proto.Attributes.Add(sim.Attributes.Str(StorageKeys.CacherResourceVersion, call.ResourceVersion));
        }
        var t = start + random.Micros(2, 10);
        if (call.ResourceVersion.Length == 0)
        {
            span.AddEvent(t, StorageEvents.GetFromStorage);
            t = etcd.Get(call, span.Context, t);
        }
        else
        {
            sim.Report.ReadsFromCache++;
            span.AddEvent(t, StorageEvents.FetchFromCache);
            span.AddEvent(t + random.Micros(1, 4), StorageEvents.WatchCacheLocked);
            span.AddEvent(t + random.Micros(4, 8), StorageEvents.WatchCacheFresh);
            t += random.Micros(10, 60);
        }
        var end = t + random.Micros(2, 10);
        sim.Recorder.End(span, end);
        return end;
    }

    private long List(ApiCall call, SimulatedSpanContext handler, string auditId, long start)
    {
        var objects = ObjectsIn(call);
        var consistent = call.ResourceVersion.Length == 0 && Minor >= 31 && sim.Options.EffectiveEtcd.SupportsWatchProgress;
        if (!sim.WatchCached(call.Resource) || !(call.ResourceVersion == "0" || consistent))
            return etcd.List(call, handler, auditId, start, objects);

        sim.Report.ReadsFromCache++;
        var random = sim.Random;
        var t = start;
        if (consistent && Minor <= 33) t = etcd.Probe(call.Resource, handler, auditId, t) + random.Micros(2, 10);
        var span = sim.Recorder.Child(handler, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase,
            StorageNames.CacherList(ComponentRelease.Kubernetes(Minor)), SpanKind.Internal, t);
        span.Proto?.Attributes.Add(Str(StorageKeys.AuditId, auditId));
        span.Proto?.Attributes.Add(sim.Attributes.Str(StorageKeys.Type, call.Resource.GroupResource));
        t += random.Micros(2, 8);
        span.AddEvent(t, StorageEvents.Ready);
        if (consistent && Minor >= 34) t = etcd.Probe(call.Resource, span.Context, auditId, t + random.Micros(2, 8));
        span.AddEvent(t + random.Micros(1, 4), StorageEvents.WatchCacheLocked);
        t += random.Micros(4, 12);
        span.AddEvent(t, StorageEvents.WatchCacheFresh);
        t += objects * random.Micros(1, 4); // copying the cached objects under the key prefix
        span.AddEvent(t, StorageEvents.ListedFromCache, Int(StorageKeys.Count, objects));
        if (objects > 0) span.AddEvent(t + random.Micros(1, 5), StorageEvents.ResizedResult);
        t += objects * random.Micros(2, 20); // filtering by the selectors
        span.AddEvent(t, StorageEvents.FilteredItems, Int(StorageKeys.Count, objects));
        var end = t + random.Micros(3, 15);
        sim.Recorder.End(span, end);
        return end;
    }

    /// <summary>How many objects a list reads: a node's pods, a namespace's few objects, or a cluster-wide list of many.</summary>
    private int ObjectsIn(ApiCall call) => (int)(call.Namespace.Length == 0 ? sim.Random.Between(20, 400) : sim.Random.Between(1, 40));
}
