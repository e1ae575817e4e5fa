using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Tests.Kubernetes.Simulation;

namespace Kubetrace.Tests.Kubernetes.Upstream;

/// <summary>
/// Every release of the apiserver corpus against the simulator's spans of that release, on what changes from release to
/// release (each folder's README cites the lines): the name of a pod GET's server span (KubernetesAPI through 1.30, the
/// route from 1.31), the server span's semconv keys (otelhttp 0.44 through 1.30, 0.53 from 1.31), and under which span
/// the handler, SerializeObject and the watch cache's List span run (SerializeObject the handler's sibling through 1.31,
/// its child from 1.32; <c>cacher list</c> through 1.31, <c>cacher.GetList</c> from 1.32).
/// </summary>
public sealed class SimulatorMatchesCorpusReleaseShapeTests
{
    private static readonly string[] Handlers = ["Get", "List", "Create"];

    private static readonly HashSet<string> Inner = ["authentication", "SerializeObject", "cacher list", "cacher.GetList", .. Handlers];

    /// <summary>The server keys otelhttp's semconv version decides, the body sizes it records at the end and the host port included.</summary>
    private static readonly HashSet<string> SemconvKeys = ["http.user_agent", "user_agent.original", "http.flavor", "net.protocol.version", "net.peer.ip", "net.sock.peer.addr",
        "net.host.port", "http.read_bytes", "http.wrote_bytes", "http.request_content_length", "http.response_content_length", "http.request.body.size", "http.response.body.size"];

    [Theory]
    [MemberData(nameof(UpstreamCorpus.ApiserverReleases), MemberType = typeof(UpstreamCorpus))]
    public void The_simulated_pod_requests_have_the_corpus_server_span_name_semconv_keys_and_span_parents(string release)
    {
        var corpus = new ExportedSpans(UpstreamCorpus.Requests("apiserver", release));
        var simulated = SimulatedReleases.Of(release, SimulationScenario.SlowWebhook, seconds: 10);

        Assert.Equal(PodGetServerNames(corpus), PodGetServerNames(simulated));
        Assert.Equal(ServerKeys(corpus), ServerKeys(simulated));
        var expected = Parents(corpus);
        var written = Parents(simulated);
        Assert.Equal(expected.Where(p => p.StartsWith("SerializeObject", StringComparison.Ordinal)), written.Where(p => p.StartsWith("SerializeObject", StringComparison.Ordinal)));
        // The 10 s of traffic may list no pods from the cache (through 1.30 only resourceVersion=0 is served from it).
        Assert.Subset(expected, written);
    }

    private static EmittedSpan? ServerOf(ExportedSpans spans, EmittedSpan span)
    {
        var at = span;
        while (at is not null && at.Kind != Span.Types.SpanKind.Server) at = spans.Parent(at);
        return at;
    }

    private static bool IsPodServer(EmittedSpan? server) =>
        server?.Attr("http.target") is { } target && target.StartsWith("/api/v1/namespaces/", StringComparison.Ordinal) && target.Contains("/pods", StringComparison.Ordinal);

    private static string? Method(EmittedSpan server) => server.Attr("http.method") ?? server.Attr("http.request.method");

    private static IEnumerable<EmittedSpan> PodServers(ExportedSpans spans, string method) =>
        spans.Of("apiserver").Where(s => s.Kind == Span.Types.SpanKind.Server && IsPodServer(s) && Method(s) == method);

    private static SortedSet<string> PodGetServerNames(ExportedSpans spans) => new(
        PodServers(spans, "GET").Where(s => s.Attr("http.target")!.Split('?')[0].Split('/').Length == 7).Select(s => s.Name), StringComparer.Ordinal);

    private static SortedSet<string> ServerKeys(ExportedSpans spans) =>
        new(PodServers(spans, "GET").SelectMany(s => s.AttributeKeys).Where(SemconvKeys.Contains), StringComparer.Ordinal);

    /// <summary>"child &lt; parent" for the request-level spans of pod GETs, LISTs and creates, the server span written as <c>server</c>.</summary>
    private static SortedSet<string> Parents(ExportedSpans spans)
    {
        var handled = spans.Of("apiserver").Where(s => Handlers.Contains(s.Name)).Select(s => ServerOf(spans, s)).Where(IsPodServer).ToHashSet();
        return new(spans.Of("apiserver").Where(s => Inner.Contains(s.Name) && handled.Contains(ServerOf(spans, s)))
            .Select(s => $"{s.Name} < {(spans.Parent(s) is { } parent ? parent.Kind == Span.Types.SpanKind.Server ? "server" : parent.Name : "(none)")}"),
            StringComparer.Ordinal);
    }
}
