using Kubetrace.Analysis;
using Kubetrace.Analysis.Red;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Kubernetes.Upstream;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// The kubelet's requests to the apiserver are client-go requests through a transport wrapped with otelhttp
/// (component-base's tracing.WrapperFor): their client spans carry what the otelhttp each release pins records — the
/// full URL with its query, the method, the user agent client-go set before (0.35.1 at 1.27–1.28: http.url,
/// http.user_agent, http.scheme "http" since a client request has no TLS state, http.host, http.flavor, http.method;
/// 0.53/0.58 at 1.31–1.34: http.method, http.url, net.peer.name, user_agent.original; 0.61 at 1.35: the stable
/// url.full, http.request.method, server.address, network.protocol.version). So <c>red</c> tells the kubelet's own
/// watches apart on its side too.
/// </summary>
public sealed class SimulatedClientSpanTests
{
    public static TheoryData<string, string[]> KeysByRelease => new()
    {
        { "1.27", ["http.url", "http.user_agent", "http.scheme", "http.host", "http.flavor", "http.method", "http.status_code"] },
        { "1.31", ["http.method", "http.url", "net.peer.name", "user_agent.original", "http.status_code"] },
        { "1.34", ["http.method", "http.url", "net.peer.name", "user_agent.original", "http.status_code"] },
        { "1.35", ["http.request.method", "url.full", "server.address", "network.protocol.version", "http.response.status_code"] },
    };

    [Theory]
    [MemberData(nameof(KeysByRelease))]
    public void A_kubelet_get_carries_otelhttps_client_attributes_of_its_release_in_their_order(string version, string[] keys)
    {
        var run = SimulatedReleases.Of(version, SimulationScenario.SlowWebhook, seconds: 10);
        var gets = KubeletClientSpans(run).Where(s => s.Name == "HTTP GET").ToList();

        Assert.NotEmpty(gets);
        Assert.All(gets, s => Assert.Equal(keys, s.Attributes.Select(a => a.Key)));
        var url = gets.Select(s => s.Attributes.Single(a => a.Key is "http.url" or "url.full").Value.StringValue).First(u => u.Contains("watch=true", StringComparison.Ordinal));
        Assert.StartsWith("https://kubernetes.default.svc:443/api/v1/pods?", url);
    }

    [Fact]
    public void A_1_27_client_span_says_http_as_its_scheme_and_the_host_with_its_port()
    {
        var run = SimulatedReleases.Of("1.27", SimulationScenario.SlowWebhook, seconds: 10);
        var get = KubeletClientSpans(run).First(s => s.Name == "HTTP GET");

        string Value(string key) => get.Attributes.Single(a => a.Key == key).Value.StringValue;
        Assert.Equal(("http", "kubernetes.default.svc:443", "1.1"), (Value("http.scheme"), Value("http.host"), Value("http.flavor")));
        Assert.StartsWith("kubelet/v1.27.0 ", Value("http.user_agent"));
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.34")]
    [InlineData("1.35")]
    public void The_red_row_of_the_kubelets_gets_counts_its_watches_apart_from_the_percentiles(string version)
    {
        var run = SimulatedReleases.Of(version, SimulationScenario.SlowWebhook, seconds: 10);
        var red = new RedState(TimeRange.All);
        foreach (var trace in UpstreamCorpus.Traces(run.Batches.Select(b => b.Request), red.ScanRequest)) red.Add(trace);
        var row = Assert.Single(red.Result(TimeRange.All, "kubelet").Operations, r => r is { Operation: "HTTP GET", Kind: "client" });

        // The apiserver's side says which of the kubelet's calls were watches: each server span links its caller's span.
        var scan = new SpanScanRequest(TimeRange.All, LongRunningRequests.Keys);
        var traces = UpstreamCorpus.Traces(run.Batches.Select(b => b.Request), scan).ToList();
        var kubeletGets = traces.SelectMany(t => t.Spans).Where(s => s is { Service: "kubelet", Kind: SpanKind.Client, Name: "HTTP GET" }).Select(s => s.SpanId).ToHashSet();
        var watchedByKubelet = traces.SelectMany(t => t.Spans)
            .Count(s => s is { Service: "apiserver", Kind: SpanKind.Server } && s.Value(0) is { } target && target.Contains("&watch=true", StringComparison.Ordinal)
                        && s.Links.Any(l => kubeletGets.Contains(l.SpanId)));

        Assert.True(watchedByKubelet > 0, "no kubelet watch in the run");
        Assert.Equal(watchedByKubelet, row.Watches);
        Assert.InRange(row.P99Nanos, 1, 10_000_000_000); // the gets' milliseconds, not a watch's 5 to 10 minutes
    }

    private static IEnumerable<Kubetrace.Otlp.Proto.Trace.Span> KubeletClientSpans(SimulatedSpans run) =>
        from batch in run.Batches
        from resource in batch.Request.ResourceSpans
        where resource.Resource.Attributes.Any(a => a.Key == "service.name" && a.Value.StringValue == "kubelet")
        from scope in resource.ScopeSpans
        from span in scope.Spans
        where span.Kind == SpanKind.Client && span.Name.StartsWith("HTTP ", StringComparison.Ordinal)
        select span;
}
