using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// What components do on a timer rather than for a request, each a trace of its own: every kubelet's container
/// garbage collection (each minute) and image garbage collection (each 5 minutes), a monitoring agent scraping
/// every kubelet's <c>/stats/summary</c> (each 15 s, a go-restful route of the kubelet's HTTP server), and the
/// apiserver's etcd compaction (each 5 minutes), etcd's lessor revoking an expired lease (each minute). The first runs are staggered over the first seconds of the window
/// (per node), so that a short window sees each kind.
/// </summary>
internal sealed class PeriodicWork
{
    private const long Second = 1_000_000_000;
    private const string StatsSummaryRoute = "/stats/summary";
    private const string ScraperUserAgent = "metrics-agent/0.7.1";

    private readonly SimulationContext _sim;
    private readonly List<Job> _jobs = [];

    public PeriodicWork(SimulationContext sim, EtcdWriter etcd)
    {
        _sim = sim;
        var start = sim.Options.Start!.Value.ToUnixTimeMilliseconds() * 1_000_000;
        _jobs.Add(new Job(start + 10 * Second, 300 * Second, etcd.Compact));
        _jobs.Add(new Job(start + 35 * Second, 60 * Second, etcd.RevokeExpiredLease));
        for (var i = 0; i < sim.Cluster.Nodes.Count; i++)
        {
            var node = sim.Cluster.Nodes[i];
            _jobs.Add(new Job(start + (2 + 7 * i) % 60 * Second, 60 * Second, t => Collect(node, "Containers/GarbageCollect", t, 1_000, 20_000)));
            _jobs.Add(new Job(start + (4 + 11 * i) % 300 * Second, 300 * Second, t => Collect(node, "Images/GarbageCollect", t, 5_000, 60_000)));
            _jobs.Add(new Job(start + (1 + 3 * i) % 15 * Second, 15 * Second, t => ServeStats(node, t)));
        }
    }

    /// <summary>Writes every run due at or before <paramref name="now"/>.</summary>
    public void WriteDue(long now)
    {
        foreach (var job in _jobs)
        {
            while (job.Next <= now)
            {
                job.Write(job.Next + _sim.Random.Micros(0, 50_000)); // timers fire a little late
                job.Next += job.Period;
            }
        }
    }

    private void Collect(SimulatedNode node, string name, long start, int minMicros, int maxMicros)
    {
        var span = _sim.Recorder.Root(node.Kubelet, SimulatedScope.Kubelet, name, SpanKind.Internal, start, _sim.Sampler);
        _sim.Recorder.End(span, start + _sim.Random.Micros(minMicros, maxMicros));
    }

    /// <summary>The scraper sends no traceparent: the kubelet's server span starts the trace.</summary>
    private void ServeStats(SimulatedNode node, long start)
    {
        var span = _sim.Recorder.Root(node.Kubelet, SimulatedScope.OtelRestful, StatsSummaryRoute, SpanKind.Server, start, _sim.Sampler);
        _sim.Semconv.HttpRouteServer(span, "GET", StatsSummaryRoute, 200, ScraperUserAgent);
        _sim.Recorder.End(span, start + _sim.Random.Micros(5_000, 80_000));
    }

    private sealed class Job(long first, long period, Action<long> write)
    {
        public long Next = first;
        public readonly long Period = period;
        public readonly Action<long> Write = write;
    }
}
