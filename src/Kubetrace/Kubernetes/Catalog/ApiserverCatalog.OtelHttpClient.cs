namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// otelhttp's client span attributes in the otelhttp each release pins: one list for every client the apiserver
/// wraps with component-base's <c>tracing.WrapperFor</c> (webhooks, the loopback client, the aggregator's proxy).
/// </summary>
public static partial class ApiserverCatalog
{
    /// <summary>The releases that share an otelhttp (go.mod), and the line of its transport.go that sets the request attributes.</summary>
    private static readonly (ReleaseRange Releases, string OtelHttp, int AttributesLine)[] OtelHttpClientVersions =
    [
        (ReleaseRange.Kubernetes(27, 28), "0.35.1", 113),
        (ReleaseRange.Kubernetes(29, 30), "0.44.0", 113),
        (ReleaseRange.Kubernetes(31, 34), "0.53.0", 158),
        (ReleaseRange.Kubernetes(35), "0.61.0", 128),
    ];

    /// <summary>The attributes of an otelhttp client span of the apiserver in <paramref name="releases"/> (one of <see cref="OtelHttpClientVersions"/>).</summary>
    private static AttributeShape[] OtelHttpClientAttributes(ReleaseRange releases, string method, string url, string host) => releases.From.Minor switch
    {
        27 =>
        [
            Str("http.url", url), Str("http.scheme", "http (otel 1.10 reads request.TLS, which a client's request never has)"), Str("http.host", host), Str("http.flavor", "1.1 or 2"),
            Str("http.method", method), Str("http.user_agent", "the apiserver's user agent", optional: true),
            Int("http.request_content_length", "request body length", optional: true), Int("http.status_code", "the response status", optional: true),
        ],
        29 =>
        [
            Str("http.method", method), Str("http.flavor", "1.1 or 2.0"), Str("http.url", url), Str("net.peer.name", host),
            Int("net.peer.port", "port when not the default", optional: true), Str("http.user_agent", "the apiserver's user agent", optional: true),
            Int("http.request_content_length", "request body length", optional: true), Int("http.status_code", "the response status", optional: true),
            Int("http.response_content_length", "response length", optional: true),
        ],
        31 =>
        [
            Str("http.method", method), Str("http.url", url), Str("net.peer.name", host),
            Int("net.peer.port", "port when not the default", optional: true), Str("user_agent.original", "the apiserver's user agent", optional: true),
            Int("http.request_content_length", "request body length", optional: true), Int("http.status_code", "the response status", optional: true),
            Int("http.response_content_length", "response length", optional: true),
        ],
        _ =>
        [
            Str("http.request.method", method), Str("url.full", url), Str("server.address", host),
            Int("server.port", "port when not the default", optional: true), Str("network.protocol.version", "1.1 or 2", optional: true),
            Int("http.response.status_code", "the response status", optional: true), Str("error.type", "on failure: the status code or the error's type", optional: true),
        ],
    };
}
