using Kubetrace.Analysis;
using Kubetrace.Analysis.Red;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using Kubetrace.Tests.TestSupport;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Analysis;

/// <summary>
/// The requests kube-apiserver serves as long-running — a watch, the legacy /watch/ and /proxy/ paths, the attach,
/// exec, proxy, log and portforward subresources, /debug/pprof/ — last as long as their client keeps them, so
/// <c>red</c> (and the service graph and RED timeline, by the same rule) counts them apart from the percentiles. The
/// cases follow kube-apiserver's own check (k8s.io/apiserver pkg/server/filters/longrunning.go:28 with
/// kube-apiserver's verbs watch, proxy and subresources attach, exec, proxy, log, portforward) over its request info
/// (pkg/endpoints/request/requestinfo.go:117–247 at v0.27.0, :129–278 at v0.31.0 and v0.34.0), read from the span's attributes in
/// each release's conventions.
/// </summary>
public sealed class LongRunningRequestsTests
{
    /// <summary>A request (method and request URI, as http.target carries it) and whether the apiserver holds it long-running.</summary>
    public static TheoryData<string, string, bool> Requests => new()
    {
        { "GET", "/api/v1/namespaces/shop/pods?allowWatchBookmarks=true&resourceVersion=8812&timeoutSeconds=427&watch=true", true },
        { "HEAD", "/api/v1/namespaces/shop/pods?watch=true", true },
        { "GET", "/apis/apps/v1/deployments?watch=1", true },
        { "GET", "/api/v1/pods?watch=yes", true }, // every value but 0 and false is true (apimachinery Convert_Slice_string_To_bool)
        { "GET", "/api/v1/pods?watch=", true },
        { "GET", "/api/v1/pods?w%61tch=tr%75e", true }, // the query is decoded first
        { "GET", "/api/v1/pods?watch=false", false },
        { "GET", "/api/v1/pods?watch=FALSE", false },
        { "GET", "/api/v1/pods?watch=0&watch=true", false }, // the first value counts
        { "GET", "/api/v1/pods?watch=true;x", false }, // a pair with a semicolon is dropped by Go's url.ParseQuery
        { "GET", "/api/v1/namespaces/shop/pods/web-0?watch=true", false }, // a named get is never a watch
        { "POST", "/api/v1/namespaces/shop/pods?watch=true", false }, // a create
        { "GET", "/apis/apps/v1?watch=true", false }, // not a resource request
        { "GET", "/api/v1/watch/namespaces/shop/pods/web-0", true }, // the legacy watch path
        { "GET", "/api/v1/proxy/nodes/node-1/stats", true }, // the legacy proxy path
        { "POST", "/api/v1/namespaces/shop/pods/web-0/exec?command=sh&stdin=true&stdout=true&tty=true", true },
        { "GET", "/api/v1/namespaces/shop/pods/web-0/exec?command=date&stdout=true", true }, // a websocket exec
        { "POST", "/api/v1/namespaces/shop/pods/web-0/attach?stdout=true", true },
        { "POST", "/api/v1/namespaces/shop/pods/web-0/portforward", true },
        { "GET", "/api/v1/namespaces/shop/pods/web-0/log?container=app&follow=true", true },
        { "GET", "/api/v1/namespaces/shop/pods/web-0/log?tailLines=10", true }, // every log request, followed or not
        { "GET", "/api/v1/namespaces/shop/services/web:80/proxy/metrics", true },
        { "GET", "/api/v1/nodes/node-1/proxy/configz", true },
        { "GET", "/api/v1/namespaces/shop/pods/web-0/status", false },
        { "PUT", "/api/v1/namespaces/shop/status", false }, // the namespace's own subresource
        { "GET", "/api/v1/namespaces/shop/pods/web-0/ephemeralcontainers", false },
        { "GET", "/debug/pprof/profile?seconds=30", true },
        { "GET", "/debug/pprof", false },
        { "GET", "/healthz?watch=true", false },
        { "GET", "/api/v1/namespaces/shop/pods?limit=500&resourceVersion=0", false },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_server_span_is_long_running_exactly_when_the_apiserver_holds_its_request_so(string method, string target, bool longRunning)
    {
        var row = await RowAsync(SpanKind.Server, method, target,
            ("http.method", method), ("http.target", target)); // 1.27–1.34: otelhttp's old conventions, Kubernetes' http.target

        Assert.Equal(longRunning ? 1 : 0, row.Watches);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_stable_conventions_server_span_is_read_the_same(string method, string target, bool longRunning)
    {
        var path = target.Split('?')[0];
        var row = await RowAsync(SpanKind.Server, method, target,
            ("http.request.method", method), ("url.path", path), ("http.target", target)); // 1.35+

        Assert.Equal(longRunning ? 1 : 0, row.Watches);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_client_span_is_read_from_its_full_url(string method, string target, bool longRunning)
    {
        var oldConventions = await RowAsync(SpanKind.Client, method, target,
            ("http.method", method), ("http.url", "https://10.96.0.1:443" + target)); // otelhttp 0.35–0.60 client spans
        var stable = await RowAsync(SpanKind.Client, method, target,
            ("http.request.method", method), ("url.full", "https://10.96.0.1:443" + target)); // otelhttp 0.61+

        Assert.Equal((longRunning ? 1 : 0, longRunning ? 1 : 0), (oldConventions.Watches, stable.Watches));
    }

    [Fact]
    public async Task An_exec_session_and_a_followed_log_leave_a_1_27_apiserver_s_p99_as_it_was()
    {
        // Through 1.30 every server span is named KubernetesAPI: a 10-minute exec shares its row with the gets.
        var gets = Enumerable.Range(1, 20).Select(i => Server(i, "KubernetesAPI", "GET", "/api/v1/namespaces/shop/pods/web-0", 2 + i % 3)).ToList();
        var streams = new[]
        {
            Server(21, "KubernetesAPI", "POST", "/api/v1/namespaces/shop/pods/web-0/exec?command=sh&stdin=true&tty=true", 600_000),
            Server(22, "KubernetesAPI", "GET", "/api/v1/namespaces/shop/pods/web-0/log?follow=true", 300_000),
            Server(23, "KubernetesAPI", "GET", "/api/v1/namespaces/shop/pods/web-0/portforward", 120_000),
        };

        var without = await RowsAsync(gets);
        var with = await RowsAsync([.. gets, .. streams]);

        var before = Assert.Single(without);
        var after = Assert.Single(with);
        Assert.Equal((before.Calls + 3, 3L), (after.Calls, after.Watches));
        Assert.Equal((before.P50Nanos, before.P99Nanos), (after.P50Nanos, after.P99Nanos));
        Assert.InRange(after.P99Nanos, 1, 10_000_000);
    }

    [Fact]
    public async Task The_red_table_says_which_requests_it_leaves_out_of_the_percentiles()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Spans.Request([Server(1, "KubernetesAPI", "POST", "/api/v1/namespaces/shop/pods/web-0/exec?command=sh", 600_000)], "apiserver"));

        var result = await AnalysisAnswers.RunAsync(AnalysisCatalog.Find("red")!, temp.Store, "");

        Assert.Contains(result.Table.Notes, n => n.Contains("exec", StringComparison.Ordinal) && n.Contains("left out of the latency percentiles", StringComparison.Ordinal));
    }

    private static Span Server(int trace, string name, string method, string target, long durationMs) =>
        Spans.Span(trace, 1, 0, name, startMs: trace, durationMs: durationMs, ("http.method", method), ("http.target", target));

    private static async Task<RedRow> RowAsync(SpanKind kind, string method, string target, params (string Key, string Value)[] attributes)
    {
        var span = Spans.Span(1, 1, 0, $"{method} {target}", 0, 600_000, attributes);
        span.Kind = kind;
        return Assert.Single(await RowsAsync([span]));
    }

    private static async Task<IReadOnlyList<RedRow>> RowsAsync(IEnumerable<Span> spans)
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Spans.Request(spans, "apiserver"));
        var red = await RedAnalysis.ComputeAsync(temp.Store, TimeRange.All, "apiserver", CancellationToken.None);
        return red.Operations;
    }
}
