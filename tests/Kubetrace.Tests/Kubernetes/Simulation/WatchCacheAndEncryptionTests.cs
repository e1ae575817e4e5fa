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
        Assert.All(streams, s => Assert.Equal(SpanKind.Client, s.Kind));
        Assert.All(streams, s => Assert.Null(Simulated.Parent(s))); // its parent, the watch's List span, never ends
        Assert.DoesNotContain(Simulated.Of("apiserver"), s => s.Name == "cacher.Watch");

        var v136 = SimulatedSpans.Run(Options with { KubernetesVersion = new KubernetesVersion(1, 36), Duration = TimeSpan.FromSeconds(10) });
        var registrations = v136.Of("apiserver").Where(s => s.Name == "cacher.Watch").ToList();
        Assert.NotEmpty(registrations);
        Assert.All(registrations, r => Assert.True(v136.Parent(r)!.Name is "authorization" or "WatchList", v136.Parent(r)!.Name));
        Assert.All(registrations, r => Assert.NotEqual("events", r.Attr("type")));
        Assert.All(registrations, r => Assert.True(r.Milliseconds < 1, "cacher.Watch ends once the watcher is registered"));
    }

    [Fact]
    public void From_1_32_every_get_has_a_cacher_Get_span_and_only_those_without_resourceVersion_reach_etcd()
    {
        var gets = Simulated.Of("apiserver").Where(s => s.Name == "cacher.Get").ToList();
        Assert.NotEmpty(gets);
        foreach (var get in gets)
        {
            var events = get.Span.Events.Select(e => e.Name).ToList();
            var etcd = Simulated.Spans.Where(c => c.TraceId == get.TraceId && c.ParentId == get.SpanId && c.Name == "etcdserverpb.KV/Range").ToList();
            if (get.Attr("resource-version") == "")
            {
                Assert.Equal("About to Get from underlying storage", events[0]);
                Assert.Single(etcd);
            }
            else
            {
                Assert.Equal(["About to fetch object from cache", "watchCache locked acquired", "watchCache fresh enough"], events);
                Assert.Empty(etcd);
            }
            Assert.StartsWith("/", get.Attr("key"));
            Assert.DoesNotContain("/registry", get.Attr("key"), StringComparison.Ordinal);
        }
        Assert.DoesNotContain(Simulated.Spans, s => s.Name == "Get etcd3"); // store.Get has no span
    }

    [Fact]
    public void Lists_the_cache_serves_carry_their_counts_and_those_it_does_not_go_to_etcd_without_a_cacher_span()
    {
        var fromCache = Simulated.Of("apiserver").Where(s => s.Name == "cacher.GetList").ToList();
        Assert.NotEmpty(fromCache);
        Assert.All(fromCache, c =>
        {
            var listed = Assert.Single(c.Span.Events, e => e.Name == "Listed items from cache");
            Assert.Equal("count", Assert.Single(listed.Attributes).Key);
            Assert.Contains(c.Span.Events, e => e.Name == "Filtered items");
        });
        var gets = Simulated.Of("apiserver").Count(s => s.Name == "cacher.Get" && s.Attr("resource-version") != "");
        Assert.Equal(Simulated.Report.ReadsFromCache, fromCache.Count + gets);
        // 1.34 with etcd 3.6: a consistent list asks etcd for the current revision inside cacher.GetList.
        Assert.Contains(Simulated.Of("apiserver"), s => s.Name == "List(recursive=false) etcd3" && Simulated.Parent(s)!.Name == "cacher.GetList" && s.Attr("limit") == "1");
        // Events have no watch cache: their lists read etcd directly, under the handler.
        Assert.Contains(Simulated.Of("apiserver"), s => s.Name == "List(recursive=true) etcd3" && s.Attr("key")!.StartsWith("/events", StringComparison.Ordinal) && Simulated.Parent(s)!.Name == "List");
        Assert.All(Simulated.Of("apiserver").Where(s => s.Name == "List(recursive=true) etcd3"), s => Assert.Equal("List", Simulated.Parent(s)!.Name));
    }

    [Fact]
    public void Through_1_31_a_cached_read_has_no_cacher_span_but_a_cached_list_has_cacher_list()
    {
        var simulated = SimulatedSpans.Run(Options with { KubernetesVersion = new KubernetesVersion(1, 27), Duration = TimeSpan.FromSeconds(10) });

        Assert.DoesNotContain(simulated.Spans, s => s.Name is "cacher.Get" or "cacher.GetList" or "Get etcd3");
        var listsFromCache = simulated.Of("apiserver").Where(s => s.Name == "cacher list").ToList();
        Assert.NotEmpty(listsFromCache);
        // The handler's url is the path alone (req.URL.Path); the server span's http.target has the query.
        Assert.All(listsFromCache, l => Assert.EndsWith("?resourceVersion=0",
            simulated.Spans.Single(s => s.TraceId == l.TraceId && s.Kind == SpanKind.Server).Attr("http.target"), StringComparison.Ordinal));
        Assert.All(listsFromCache, l => Assert.DoesNotContain(simulated.Spans, c => c.ParentId == l.SpanId && c.TraceId == l.TraceId));
        // Lists without resourceVersion go to etcd before ConsistentListFromCache (1.31): no cacher span at all.
        Assert.All(simulated.Of("apiserver").Where(s => s.Name == "List(recursive=true) etcd3"), s => Assert.Equal("List", simulated.Parent(s)!.Name));
        // A GET's Range hangs under the handler itself, or the cache answered and left its events on the handler.
        // (metrics-server's own handler spans, which report service.name apiserver, read from its memory, not a cacher.)
        var getHandlers = simulated.Of("apiserver").Where(s => s.Name == "Get" && !(s.Attr("url") ?? "").StartsWith("/apis/metrics.k8s.io/", StringComparison.Ordinal)).ToList();
        Assert.All(getHandlers, g =>
        {
            var ranges = simulated.Spans.Count(c => c.TraceId == g.TraceId && c.ParentId == g.SpanId && c.Name == "etcdserverpb.KV/Range");
            var cached = g.Span.Events.Any(e => e.Name == "watchCache fresh enough");
            Assert.True(ranges + (cached ? 1 : 0) <= 1 && (ranges == 1 || cached || g.Attr("resource") == "events"), g.Attr("url"));
        });
    }

    [Fact]
    public void With_KMS_each_secret_read_from_etcd_is_decrypted_and_each_write_encrypted_and_nothing_else_is()
    {
        var transforms = Simulated.Of("apiserver").Where(s => s.Name.StartsWith("Transform", StringComparison.Ordinal)).ToList();

        Assert.Contains(transforms, t => t.Name == "TransformFromStorage with envelopeTransformer");
        Assert.Contains(transforms, t => t.Name == "TransformToStorage with envelopeTransformer");
        Assert.All(transforms, t => Assert.Equal("kms-plugin", t.Attr("transformer.provider.name")));
        Assert.All(transforms, t => Assert.StartsWith("/secrets", Simulated.Parent(t)!.Attr("key")));
        var secretWrites = Simulated.Of("apiserver").Count(s => s.Name is "Create etcd3" or "GuaranteedUpdate etcd3" && s.Attr("resource") == "secrets");
        Assert.Equal(secretWrites, transforms.Count(t => t.Name.StartsWith("TransformToStorage", StringComparison.Ordinal)));

        var off = SimulatedSpans.Run(Options with { KmsEncryption = false, Duration = TimeSpan.FromSeconds(10) });
        Assert.DoesNotContain(off.Spans, s => s.Name.StartsWith("Transform", StringComparison.Ordinal));
        Assert.False(off.Report.KmsEncryption);
        // The envelope transformer is traced from 1.29.
        var v128 = SimulatedSpans.Run(Options with { KubernetesVersion = new KubernetesVersion(1, 28), Duration = TimeSpan.FromSeconds(10) });
        Assert.DoesNotContain(v128.Spans, s => s.Name.StartsWith("Transform", StringComparison.Ordinal));
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
