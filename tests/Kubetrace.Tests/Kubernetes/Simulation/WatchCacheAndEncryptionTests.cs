using Kubetrace.Kubernetes.Simulation;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// How the simulated apiserver serves watches, reads through its watch cache and encrypts secrets, span by span:
/// what reaches etcd and what does not, and what the options switch on and off.
/// </summary>
public sealed class WatchCacheAndEncryptionTests
{
    private static readonly SimulationOptions Options = new()
    {
        KubernetesVersion = new KubernetesVersion(1, 34), RequestsPerSecond = 100, Duration = TimeSpan.FromSeconds(20), KmsEncryption = true,
    };

    private static readonly SimulatedSpans Simulated = SimulatedSpans.Run(Options);

    [Fact]
    public void Watches_are_a_steady_share_of_requests_and_close_by_the_end_of_the_window()
    {
        var report = Simulated.Report;
        // No handler span is exported for a watch (the List span is never ended, docs/catalog.md): the server span,
        // whose http.target asks for one, is the watch.
        var watches = Simulated.Of("apiserver").Where(s => s.Kind == SpanKind.Server && s.Attr("http.target")!.Contains("watch=true", StringComparison.Ordinal)).ToList();

        Assert.Equal(report.Watches, watches.Count);
        Assert.DoesNotContain(Simulated.Of("apiserver"), s => s.Name is "WatchList" or "WatchServer.HandleHTTP"); // 1.36's streaming lists only
        Assert.InRange(report.Watches / (double)report.ApiserverRequests, 0.04, 0.10);
        var end = (ulong)(report.End.ToUnixTimeMilliseconds() * 1_000_000);
        Assert.All(watches, w => Assert.True(w.Span.EndTimeUnixNano <= end + 1_000_000UL, "a watch outlives the window"));
        Assert.Contains(watches, w => w.Milliseconds > 10_000); // informers' watches stay open for minutes, here up to the window's end
    }

    [Fact]
    public void An_events_watch_holds_an_etcd_stream_under_the_unexported_List_span_and_cacher_Watch_is_traced_from_1_36()
    {
        var streams = Simulated.Of("apiserver").Where(s => s.Name == "etcdserverpb.Watch/Watch").ToList();

        Assert.NotEmpty(streams);
        Assert.All(streams, s => Assert.Null(Simulated.Parent(s))); // its parent, the watch's List span, never ends
        Assert.DoesNotContain(Simulated.Of("apiserver"), s => s.Name == "cacher.Watch");
        var v136 = SimulatedSpans.Run(Options with { KubernetesVersion = new KubernetesVersion(1, 36), Duration = TimeSpan.FromSeconds(10) });
        Assert.Contains(v136.Of("apiserver"), s => s.Name == "cacher.Watch" && v136.Parent(s)!.Name is "authorization" or "WatchList");
    }

    [Fact]
    public void Reads_with_resourceVersion_0_and_1_31_lists_are_answered_by_the_cache_without_etcd()
    {
        var cacherReads = Simulated.Of("apiserver").Where(s => s.Name is "cacher.Get" or "cacher.GetList").ToList();
        var fromCache = cacherReads.Where(c => !Simulated.Spans.Any(s => s.TraceId == c.TraceId && s.ParentId == c.SpanId)).ToList();

        Assert.Equal(Simulated.Report.ReadsFromCache, fromCache.Count);
        Assert.All(fromCache, c => Assert.Equal("cacher.GetList", c.Name) ); // 1.34 serves lists from the cache; gets without resourceVersion go to etcd
        Assert.All(cacherReads.Except(fromCache), c => Assert.Equal("cacher.Get", c.Name));
        // Events have no watch cache: their lists read etcd directly.
        Assert.Contains(Simulated.Of("apiserver"), s => s.Name == "List(recursive=true) etcd3" && s.Attr("resource") == "events" && Simulated.Parent(s)!.Name == "List");
    }

    [Fact]
    public void Before_1_31_lists_without_resourceVersion_read_etcd_through_the_cacher()
    {
        var simulated = SimulatedSpans.Run(Options with { KubernetesVersion = new KubernetesVersion(1, 27), Duration = TimeSpan.FromSeconds(10) });

        var listsFromCache = simulated.Of("apiserver").Where(s => s.Name == "cacher.GetList" && !simulated.Spans.Any(c => c.ParentId == s.SpanId && c.TraceId == s.TraceId)).ToList();
        Assert.NotEmpty(listsFromCache);
        // The handler's url is the path alone (req.URL.Path); the server span's http.target has the query.
        Assert.All(listsFromCache, l => Assert.EndsWith("?resourceVersion=0",
            simulated.Spans.Single(s => s.TraceId == l.TraceId && s.Kind == SpanKind.Server).Attr("http.target"), StringComparison.Ordinal));
        Assert.Contains(simulated.Of("apiserver"), s => s.Name == "List(recursive=true) etcd3" && simulated.Parent(s)!.Name == "cacher.GetList");
    }

    [Fact]
    public void With_KMS_each_secret_read_from_etcd_is_decrypted_and_each_write_encrypted_and_nothing_else_is()
    {
        var transforms = Simulated.Of("apiserver").Where(s => s.Name.StartsWith("Transform", StringComparison.Ordinal)).ToList();

        Assert.Contains(transforms, t => t.Name == "TransformFromStorage with envelopeTransformer");
        Assert.Contains(transforms, t => t.Name == "TransformToStorage with envelopeTransformer");
        Assert.All(transforms, t => Assert.Equal("secrets", Simulated.Parent(t)!.Attr("resource")));
        var secretWrites = Simulated.Of("apiserver").Count(s => s.Name is "Create etcd3" or "GuaranteedUpdate etcd3" && s.Attr("resource") == "secrets");
        Assert.Equal(secretWrites, transforms.Count(t => t.Name.StartsWith("TransformToStorage", StringComparison.Ordinal)));

        var off = SimulatedSpans.Run(Options with { KmsEncryption = false, Duration = TimeSpan.FromSeconds(10) });
        Assert.DoesNotContain(off.Spans, s => s.Name.StartsWith("Transform", StringComparison.Ordinal));
        Assert.False(off.Report.KmsEncryption);
    }

    [Fact]
    public void Events_share_one_etcd_lease_per_minute()
    {
        var simulated = SimulatedSpans.Run(Options with { RequestsPerSecond = 20, Duration = TimeSpan.FromSeconds(150) });

        var grants = simulated.Of("apiserver").Where(s => s.Name == "etcdserverpb.Lease/LeaseGrant" && s.Kind == SpanKind.Client).ToList();
        Assert.Equal(3, grants.Count); // at the first event create, then after 60 s, then after 120 s
        Assert.All(grants, g => Assert.Equal(("Create etcd3", "events"), (simulated.Parent(g)!.Name, simulated.Parent(g)!.Attr("resource"))));
    }
}
