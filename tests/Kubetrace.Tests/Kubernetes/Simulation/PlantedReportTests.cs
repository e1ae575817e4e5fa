using Kubetrace.Kubernetes.Simulation;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// What the report says was planted is what the spans show, exactly: the analyses' tests compare their findings
/// with the report, so the report must be right to the span.
/// </summary>
public sealed class PlantedReportTests
{
    private static readonly Lazy<SimulatedSpans> Everything = new(() => SimulatedSpans.Run(new SimulationOptions
    {
        RequestsPerSecond = 100,
        Duration = TimeSpan.FromSeconds(30),
        Scenarios = SimulationScenario.SlowWebhook | SimulationScenario.FailingWebhook | SimulationScenario.EtcdSlow |
                    SimulationScenario.ImagePullSlow | SimulationScenario.ApfThrottling | SimulationScenario.KmsSlow,
        KmsAddedLatency = TimeSpan.FromMilliseconds(150),
        WebhookAddedLatency = TimeSpan.FromMilliseconds(250),
        EtcdAddedLatency = TimeSpan.FromMilliseconds(120),
        SlowImagePullTime = TimeSpan.FromSeconds(15),
        ApfQueueWait = TimeSpan.FromMilliseconds(400),
    }));

    private static SimulatedSpans Simulated => Everything.Value;

    [Fact]
    public void The_slow_webhook_adds_exactly_its_latency_and_its_timeouts_are_errors()
    {
        var planted = Simulated.Report.SlowWebhook!;
        var calls = Simulated.Of("apiserver").Where(s => s.Name.StartsWith("Call ", StringComparison.Ordinal) && s.Attr("webhook") == planted.Webhook).ToList();
        var others = Simulated.Of("apiserver").Where(s => s.Name.StartsWith("Call ", StringComparison.Ordinal) && s.Attr("webhook") != planted.Webhook).ToList();

        Assert.Equal(250, planted.AddedLatency.TotalMilliseconds);
        Assert.Equal(planted.Calls, calls.Count);
        Assert.True(planted.Calls > 100, $"only {planted.Calls} calls");
        // The webhook span carries no status (the dispatcher returns the error): its HTTP POST does.
        var timedOut = calls.Where(c => Post(c).IsError).ToList();
        Assert.Equal(planted.TimedOutCalls, timedOut.Count);
        Assert.All(timedOut, c => Assert.True(c.Milliseconds >= planted.Timeout.TotalMilliseconds));
        Assert.All(calls.Where(c => !Post(c).IsError), c => Assert.InRange(c.Milliseconds - 250, 1, 9)); // its own 1-8 ms plus the call's overhead
        Assert.All(others, c => Assert.True(c.Milliseconds < 10 || Post(c).IsError));
        Assert.All(calls, c => Assert.Equal(planted.Configuration, c.Attr("configuration")));
    }

    private static EmittedSpan Post(EmittedSpan call) => Assert.Single(Simulated.Spans, s => s.ParentId == call.SpanId && s.TraceId == call.TraceId);

    private static double QueuedMs(EmittedSpan fairness)
    {
        var authorization = Simulated.Spans.FirstOrDefault(s => s.TraceId == fairness.TraceId && s.ParentId == fairness.SpanId);
        var until = authorization?.Span.StartTimeUnixNano ?? fairness.Span.EndTimeUnixNano;
        return (until - fairness.Span.StartTimeUnixNano) / 1e6;
    }

    [Fact]
    public void The_failing_webhooks_failures_are_the_requests_that_answered_500()
    {
        var planted = Simulated.Report.FailingWebhook!;
        var calls = Simulated.Of("apiserver").Where(s => s.Name == "Call validating webhook" && s.Attr("webhook") == planted.Webhook).ToList();
        var failed = calls.Where(c => Post(c).IsError).ToList(); // the webhook span has no status of its own

        Assert.Equal(planted.Calls, calls.Count);
        Assert.Equal(planted.FailedCalls, failed.Count);
        Assert.InRange(planted.FailedCalls / (double)planted.Calls, 0.15, 0.35);
        Assert.All(failed, call =>
        {
            var post = Assert.Single(Simulated.Spans, s => s.ParentId == call.SpanId && s.TraceId == call.TraceId);
            Assert.Equal("500", post.Attr("http.status_code"));
            var server = Simulated.Request(call); // above the handler and, from 1.34, the filters
            Assert.Equal("500", server.Attr("http.status_code"));
            Assert.True(server.IsError);
        });
    }

    [Fact]
    public void Every_etcd_operation_on_the_slow_resource_takes_the_added_latency_and_no_other_does()
    {
        var planted = Simulated.Report.SlowEtcd!;
        var calls = Simulated.Of("etcd").Where(s => s.Kind == SpanKind.Server && s.Name != "etcdserverpb.Watch/Watch").ToList();
        var slow = calls.Where(c => ResourceOf(c) == planted.Resource).ToList();

        Assert.Equal(planted.Operations, slow.Count);
        Assert.True(slow.Count > 50, $"only {slow.Count} operations");
        Assert.All(slow, s => Assert.InRange(s.Milliseconds, 120, 120 + 25));
        Assert.All(calls.Except(slow), s => Assert.True(s.Milliseconds < 25, $"{ResourceOf(s)} {s.Milliseconds} ms"));
    }

    /// <summary>The resource an etcd call is for, from the apiserver span it ran under: a storage span's key, or the handler's resource (a GET has no storage span).</summary>
    private static string? ResourceOf(EmittedSpan etcdServer)
    {
        for (var s = Simulated.Parent(etcdServer); s is not null; s = Simulated.Parent(s))
        {
            if (s.Attr("key") is { } key) return key.Split('/')[1];
            if (s.Attr("verb") is not null) return s.Attr("resource");
        }
        return null;
    }

    [Fact]
    public void Pulling_the_slow_image_takes_exactly_the_planted_time()
    {
        var planted = Simulated.Report.SlowImage!;
        var pulls = Simulated.Of("containerd").Where(s => s.Name == "pkg.cri.server.PullImage").ToList();
        // containerd names the image; the kubelet's CRI client span two levels up has the exact duration.
        var kubeletPull = pulls.ToLookup(p => p.Attr("image.ref"), p => Simulated.Parent(Simulated.Parent(p)!)!);

        Assert.Equal(planted.Pulls, kubeletPull[planted.Image].Count());
        Assert.True(planted.Pulls >= 5, $"only {planted.Pulls} pulls");
        Assert.All(kubeletPull[planted.Image], p =>
        {
            Assert.Equal("kubelet", p.Service);
            Assert.Equal("runtime.v1.ImageService/PullImage", p.Name);
            Assert.Equal(15_000, p.Milliseconds);
        });
        Assert.All(kubeletPull.Where(g => g.Key != planted.Image).SelectMany(g => g),
            p => Assert.True(p.Milliseconds <= planted.UsualPullTimeMax.TotalMilliseconds));
    }

    [Fact]
    public void The_throttled_flow_waits_in_priority_and_fairness_and_its_rejections_answer_429()
    {
        var planted = Simulated.Report.ThrottledFlow!;
        var requests = Simulated.Of("apiserver").Where(s => s.Kind == SpanKind.Server && s.Attr("user_agent.original") == planted.UserAgent).ToList();
        // From 1.34 the filter spans nest and end with the request: the wait is the priorityandfairness span's own
        // time, until authorization (its child) starts, or all of it when the request was rejected.
        var waits = Simulated.Of("apiserver").Where(s => s.Name == "priorityandfairness")
            .ToLookup(s => Simulated.Parent(Simulated.Parent(s)!)!, s => QueuedMs(s));

        Assert.Equal(planted.Requests, requests.Count);
        Assert.Equal(planted.Rejected, requests.Count(r => r.Attr("http.status_code") == "429"));
        Assert.True(planted.Rejected > 5, $"only {planted.Rejected} rejected");
        Assert.All(requests, r => Assert.InRange(Assert.Single(waits[Simulated.Spans.First(s => s.Name == "audit" && s.TraceId == r.TraceId)]), 400, 401));
        Assert.All(waits.Where(g => !requests.Any(r => r.TraceId == g.Key.TraceId)).SelectMany(g => g), w => Assert.True(w < 1));
        // A rejected request never reaches its handler.
        Assert.All(requests.Where(r => r.Attr("http.status_code") == "429"),
            r => Assert.DoesNotContain(Simulated.Spans, s => s.TraceId == r.TraceId && s.Name == "List"));
    }

    [Fact]
    public void Kms_slow_turns_secrets_watch_cache_off_and_only_the_first_read_of_each_DEK_waits_for_the_slow_plugin_and_no_write_does()
    {
        // envelope.go (v0.34.0): a read calls the plugin's Decrypt only when its DEK is not in the transformer's cache
        // (#L181-#L206), which keeps an entry 24 h (#L77); a write encrypts with the DEK the transformer already holds
        // (stateFunc, #L245) and caches it (#L256). With secrets' watch cache on, the cacher's untraced start-up list
        // caches every stored DEK first (KmsWatchCacheTests), so kms-slow plants --watch-cache-sizes=secrets#0: each
        // read and update decrypts inside its request, and the first that needs each of the DekCache.EarlierDeks DEKs
        // of the objects stored before the run (the apiserver starts with it) waits.
        var planted = Simulated.Report.SlowKms!;
        var decryptions = Simulated.Of("apiserver").Where(s => s.Name == "TransformFromStorage with envelopeTransformer").ToList();
        var encryptions = Simulated.Of("apiserver").Where(s => s.Name == "TransformToStorage with envelopeTransformer").ToList();
        var remote = decryptions.Where(CalledThePlugin).ToList();

        Assert.True(Simulated.Report.KmsEncryption, "kms-slow turns encryption on");
        Assert.Equal("secrets#0", planted.WatchCacheSize);
        Assert.Contains("secrets#0", Simulated.Report.WatchCacheSizes);
        Assert.DoesNotContain(decryptions, d => Simulated.Parent(d)!.Name.StartsWith("cacher", StringComparison.Ordinal));
        Assert.Equal(planted.DekDecryptions, remote.Count);
        Assert.Equal(DekCache.EarlierDeks, remote.Count);
        Assert.True(decryptions.Count > 10 * remote.Count, $"{remote.Count} of {decryptions.Count} decryptions called the plugin");
        Assert.Equal(planted.Requests, remote.Select(Simulated.Request).Distinct().Count());
        Assert.All(remote, t => Assert.InRange(t.Milliseconds, 150, 150.2));
        Assert.All(decryptions.Except(remote), t => Assert.True(t.Milliseconds < 1, $"{t.Milliseconds} ms"));
        // A miss of one secret is the first decryption of that secret in the run (a DEK once cached is not asked for again within 24 h).
        static string SecretOf(EmittedSpan decryption) => Simulated.Request(decryption).Attr("http.target")!.Split('?')[0];
        var firstRead = decryptions.GroupBy(SecretOf).ToDictionary(g => g.Key, g => g.Min(d => d.Span.StartTimeUnixNano));
        Assert.All(remote.Where(r => !Simulated.Parent(r)!.Name.StartsWith("List", StringComparison.Ordinal)),
            r => Assert.Equal(firstRead[SecretOf(r)], r.Span.StartTimeUnixNano));
        Assert.NotEmpty(encryptions);
        Assert.All(encryptions, t => Assert.True(t.Milliseconds < 1, $"{t.Milliseconds} ms"));
        Assert.All(decryptions.Concat(encryptions), t => Assert.Contains("/secrets", SecretOf(t), StringComparison.Ordinal));
    }

    private static bool CalledThePlugin(EmittedSpan decryption) =>
        decryption.Span.Events.Any(e => e.Name == "About to decrypt DEK using remote service");

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.1)]
    [InlineData(0.25)]
    public void A_planted_share_hits_the_first_call_and_then_exactly_its_rate_after_any_number_of_calls(double rate)
    {
        var hits = 0;
        for (var n = 1; n <= 1_000; n++)
        {
            if (PlantedFaults.IsNthOfRate(n, rate)) hits++;
            Assert.Equal((int)Math.Ceiling(Math.Round(n * rate, 9)), hits);
        }
        Assert.True(PlantedFaults.IsNthOfRate(1, rate));
    }

    [Fact]
    public void The_report_counts_what_was_emitted()
    {
        var report = Simulated.Report;

        Assert.Equal(Simulated.Spans.Count, report.Spans);
        Assert.Equal(Simulated.Batches.Count, report.Batches);
        Assert.Equal(Simulated.Spans.Count(s => s.Span.ParentSpanId.IsEmpty), report.Traces);
        // metrics-server, built on k8s.io/apiserver, reports service.name apiserver too: it serves each aggregated request once more.
        Assert.Equal(report.ApiserverRequests + report.AggregatedRequests, Simulated.Of("apiserver").Count(s => s.Kind == SpanKind.Server));
        Assert.Equal(report.PodStarts, Simulated.Spans.Count(s => s.Name == "syncPod"));
        // 100/s for 30 s from the clients; the apiserver's loopback quota writes come on top of them.
        Assert.InRange(report.ApiserverRequests - report.LoopbackRequests, 2900, 3100);
        // containerd 1.7.16+ sends no host.name: its nodes' spans add up per service only.
        Assert.All(report.Components.Where(c => c.Service != "containerd").GroupBy(c => (c.Service, c.Node)), c =>
            Assert.Equal(c.Sum(x => x.Spans), Simulated.Spans.Count(s => s.Service == c.Key.Service && (s.HostName ?? c.Key.Node) == c.Key.Node)));
        Assert.Equal(report.Components.Where(c => c.Service == "containerd").Sum(c => c.Spans), Simulated.Spans.Count(s => s.Service == "containerd"));
        Assert.All(Simulated.Batches, b => Assert.InRange(b.SpanCount, 1, 512));
        var json = SimulationReport.FromJson(report.ToJson());
        Assert.Equal(report.SlowWebhook!.AddedLatency, json.SlowWebhook!.AddedLatency);
        Assert.Equal(report.SlowImage!.Image, json.SlowImage!.Image);
        Assert.Contains("\"addedLatencyMs\": 250", report.ToJson());
    }
}
