using Kubetrace.Analysis.CriticalPath;
using static Kubetrace.Tests.Analysis.ScannedTraces;

namespace Kubetrace.Tests.Analysis;

/// <summary>The critical path on hand-built traces: exact spans and self-time contributions.</summary>
public sealed class CriticalPathTests
{
    [Fact]
    public void Concurrent_children_only_the_last_finishing_chain_is_on_the_path()
    {
        // frontend [0,100] waits for three concurrent calls; checkout [15,70] finishes last, and inside it
        // payment [20,60]. cart [10,40] and stock [20,50] ran meanwhile and were never waited for.
        var trace = new ScannedTraces()
            .Span(1, 0, "frontend", "GET /order", 0, 100)
            .Span(2, 1, "frontend", "cart", 10, 40)
            .Span(3, 1, "frontend", "checkout", 15, 70)
            .Span(4, 1, "frontend", "stock", 20, 50)
            .Span(5, 3, "frontend", "payment", 20, 60)
            .Build();

        var report = CriticalPathAnalysis.Analyse(trace);

        Assert.Equal([("GET /order", Ms(45)), ("checkout", Ms(15)), ("payment", Ms(40))],
            report.Path.Select(s => (s.Name, s.SelfOnPathNanos)));
        Assert.Equal(Ms(100), report.DurationNanos);
        Assert.Equal(report.DurationNanos, report.Path.Sum(s => s.SelfOnPathNanos));
        Assert.Equal([(Origin + Ms(0), Origin + Ms(15)), (Origin + Ms(70), Origin + Ms(100))],
            report.Path[0].Segments.Select(s => (s.StartUnixNano, s.EndUnixNano)));
        Assert.Empty(report.SkewAdjustments);
    }

    [Fact]
    public void Gaps_between_sequential_children_are_the_parents_own_time()
    {
        var trace = new ScannedTraces()
            .Span(1, 0, "api", "handle", 0, 100)
            .Span(2, 1, "db", "query", 10, 30)
            .Span(3, 1, "cache", "set", 50, 90)
            .Build();

        var report = CriticalPathAnalysis.Analyse(trace);

        Assert.Equal([("handle", Ms(40)), ("query", Ms(20)), ("set", Ms(40))],
            report.Path.Select(s => (s.Name, s.SelfOnPathNanos)));
        Assert.Equal([0.4, 0.2, 0.4], report.Path.Select(s => Math.Round(s.Share, 3)));
    }

    [Fact]
    public void A_child_on_another_host_whose_clock_is_behind_is_shifted_into_its_parent_with_its_descendants()
    {
        // etcd's clock (host b) is 30ms behind the apiserver's (host a): its server span seems to start 15ms
        // before the client call that caused it. Shifted to the middle of the client span: [20,80]; its own
        // child moves the same way: [25,65].
        var trace = new ScannedTraces()
            .Span(1, 0, "apiserver", "Create", 0, 100, "host-a")
            .Span(2, 1, "apiserver", "etcdserverpb.KV/Txn", 10, 90, "host-a")
            .Span(3, 2, "etcd", "etcdserverpb.KV/Txn", -5, 55, "host-b")
            .Span(4, 3, "etcd", "txn", 0, 40, "host-b")
            .Build();

        var report = CriticalPathAnalysis.Analyse(trace);

        var adjustment = Assert.Single(report.SkewAdjustments);
        Assert.Equal(("etcd", Ms(25)), (adjustment.Service, adjustment.ShiftNanos));
        Assert.Equal([("Create", Ms(20)), ("etcdserverpb.KV/Txn", Ms(20)), ("etcdserverpb.KV/Txn", Ms(20)), ("txn", Ms(40))],
            report.Path.Select(s => (s.Name, s.SelfOnPathNanos)));
        Assert.Equal(Origin + Ms(25), report.Path[3].StartUnixNano);
        Assert.Equal(Ms(100), report.Path.Sum(s => s.SelfOnPathNanos));
        Assert.Contains(report.Notes, n => n.Contains("clock skew", StringComparison.Ordinal) && n.Contains("+25ms", StringComparison.Ordinal));
    }

    [Fact]
    public void Spans_on_the_same_host_are_not_shifted_and_an_asynchronous_child_is_counted_only_inside_its_parent()
    {
        // The same clock: a child ending after its parent is fire-and-forget work, not skew.
        var trace = new ScannedTraces()
            .Span(1, 0, "kubelet", "syncPod", 0, 100, "node-1")
            .Span(2, 1, "kubelet", "status update", 80, 130, "node-1")
            .Build();

        var report = CriticalPathAnalysis.Analyse(trace);

        Assert.Empty(report.SkewAdjustments);
        Assert.Equal([("syncPod", Ms(80)), ("status update", Ms(20))], report.Path.Select(s => (s.Name, s.SelfOnPathNanos)));
        Assert.Equal(["0000000000000002"], report.ClippedSpanIds);
        Assert.Contains(report.Notes, n => n.Contains("only the part inside the parent", StringComparison.Ordinal));
    }

    [Fact]
    public void A_child_longer_than_its_parent_on_another_host_is_clipped_not_shifted()
    {
        var trace = new ScannedTraces()
            .Span(1, 0, "client", "call", 0, 50, "host-a")
            .Span(2, 1, "server", "handle", 10, 80, "host-b")
            .Build();

        var report = CriticalPathAnalysis.Analyse(trace);

        Assert.Empty(report.SkewAdjustments);
        Assert.Equal([("call", Ms(10)), ("handle", Ms(40))], report.Path.Select(s => (s.Name, s.SelfOnPathNanos)));
    }
}
