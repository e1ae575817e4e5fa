using Kubetrace.Bench.Workload;
using Kubetrace.Kubernetes.Catalog;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The apiserver's side of a watch (docs/catalog.md, "watches"): no handler span is exported for a plain watch in any
/// release (through 1.35 the List handler's span is started but never ended; 1.36 starts none); 1.36 traces a
/// streaming list (sendInitialEvents) as <c>WatchList</c> with <c>WatchServer.HandleHTTP</c> under it, both ending
/// when the initial events are written. The cacher registers the watcher (<c>cacher.Watch</c>, traced from 1.36),
/// or for a resource without a watch cache (events) an etcd watch stream stays open for the whole watch. Watches
/// still open when the simulated window ends are closed then, so that no span outlives the window.
/// </summary>
internal sealed class WatchWriter(SimulationContext sim, EtcdWriter etcd)
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>Writes the watch starting at <paramref name="start"/> under the request context's span; returns when it closed and its status.</summary>
    public (long End, int Status) Serve(ApiCall call, SimulatedSpanContext parent, string auditId, long start)
    {
        var random = sim.Random;
        var version = sim.Options.KubernetesVersion;
        sim.Report.Watches++;
        var t = start + random.Micros(10, 40);
        var closeAt = Math.Max(t + random.Micros(1_000, 5_000), Math.Min(start + call.WatchTimeoutSeconds * NanosPerSecond, sim.WindowEnd));
        OpenSpan? watchList = null;
        if (call.StreamingList && version.StreamingListSpans)
        {
            watchList = sim.Recorder.Child(parent, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, ApiserverSpans.WatchList, SpanKind.Internal, start);
            HandlerAttributes.Describe(sim, watchList.Value, call, auditId);
            parent = watchList.Value.Context;
        }
        else if (!version.StreamingListSpans)
            // The List handler starts its span for a watch too and never ends it: it is never exported, and what
            // runs under it points at a parent no trace holds.
            parent = sim.Recorder.Child(parent, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, ApiserverSpans.List, SpanKind.Internal, start).Context;

        if (sim.WatchCached(call.Resource)) t = CacherWriter.RegisterWatch(sim, call, parent, auditId, t);
        else
            etcd.Call(parent, GrpcMethod.EtcdWatch, t, Math.Max(0, closeAt - t - random.Micros(100, 300)));

        if (watchList is { } list)
        {
            var serveStart = t + random.Micros(5, 20);
            var serve = sim.Recorder.Child(list.Context, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, ApiserverSpans.WatchServer, SpanKind.Internal, serveStart);
            if (serve.Proto is { } proto) ResponseEncoding.Describe(proto, call, auditId, sim.Attributes);
            serve.AddEvent(serveStart + random.Micros(5, 20), ApiserverEvents.AboutToStartWriting);
            var initialEvents = Math.Min(closeAt, serveStart + random.Micros(1_000, 40_000));
            serve.AddEvent(initialEvents, ApiserverEvents.InitialEventsDone);
            sim.Recorder.End(serve, initialEvents + 1_000);
            sim.Recorder.End(list, initialEvents + random.Micros(2, 10));
        }
        return (closeAt + random.Micros(5, 20), 200);
    }
}
