using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The apiserver's side of a watch under its <c>WatchList</c> handler span: the cacher registers the watcher
/// (<c>cacher.Watch</c>), or for a resource without a watch cache (events) an etcd watch stream
/// (<c>etcdserverpb.Watch/Watch</c>) stays open for the whole watch; <c>WatchServer.HandleHTTP</c> streams the
/// events until the client's <c>timeoutSeconds</c>. Watches still open when the simulated window ends are closed
/// then (the clients stop with the simulation), so that no span outlives the window.
/// </summary>
internal sealed class WatchWriter(SimulationContext sim, EtcdWriter etcd)
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>Writes the watch starting at <paramref name="start"/>; returns when the handler stopped serving it.</summary>
    public long Serve(ApiCall call, SimulatedSpanContext handler, string auditId, long start)
    {
        var random = sim.Random;
        sim.Report.Watches++;
        var t = start + random.Micros(10, 40);
        var closeAt = Math.Max(t + random.Micros(1_000, 5_000), Math.Min(start + call.WatchTimeoutSeconds * NanosPerSecond, sim.WindowEnd));
        if (call.Resource.WatchCached) t = CacherWriter.RegisterWatch(sim, call, handler, auditId, t);
        else
            etcd.Call(handler, GrpcMethod.EtcdWatch, t, Math.Max(0, closeAt - t - random.Micros(100, 300)));

        var serveStart = t + random.Micros(5, 20);
        var serve = sim.Recorder.Child(handler, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, "WatchServer.HandleHTTP", SpanKind.Internal, serveStart);
        if (serve.Proto is { } proto) ResponseEncoding.Describe(proto, call, auditId, sim.Attributes);
        var end = Math.Max(serveStart, closeAt);
        sim.Recorder.End(serve, end);
        return end + random.Micros(5, 20);
    }
}
