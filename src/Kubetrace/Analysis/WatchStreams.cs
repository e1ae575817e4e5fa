using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis;

/// <summary>
/// Which spans are watch streams: a request that asks for a watch stays open as long as its client keeps watching
/// (an informer's for the 5 to 10 minutes client-go asks for), so its duration is not latency. The one rule every
/// latency figure of the service graph, <c>red</c> and the RED timeline leaves them out by (<see cref="CallStats"/>
/// counts them apart); the apiserver analysis reads watches the same way (<see cref="ApiserverRoute.IsWatchQuery"/>).
/// </summary>
/// <remarks>
/// kube-apiserver's request span is otelhttp's server span (k8s.io/apiserver v0.34.0
/// pkg/endpoints/filters/traces.go:66, <c>otelhttp.NewHandler</c>), named after the method and route only
/// (traces.go:39–46 and :69–86: <c>GET /api/v1/namespaces/{:namespace}/pods</c>, the same for a list and a watch)
/// and carrying no verb: the request URI with its query, <c>http.target</c> (traces.go:57–58, beside 1.35+'s
/// <c>url.path</c>, which has no query), is what tells a watch apart, as the apiserver itself reads it
/// (pkg/endpoints/request/requestinfo.go:223–243: <c>watch</c> set and not false). A client span's full URL
/// (<c>http.url</c>, or <c>url.full</c> under the stable conventions) says the same on the caller's side. The
/// handler spans' <c>verb</c> does not serve: a watch's <c>List</c> span is never ended through 1.35, and 1.36's
/// <c>WatchList</c> span ends once the initial events are written, a bounded latency that stays counted.
/// </remarks>
public static class WatchStreams
{
    /// <summary>The attribute keys that carry a request's URI with its query: server, then client conventions.</summary>
    public static readonly IReadOnlyList<string> UriKeys = ["http.target", "http.url", "url.full"];

    /// <summary>What the output says about them, where latency figures are shown.</summary>
    public const string Note = "watches: requests with watch=true (a kube-apiserver watch stays open as long as its client watches, minutes by design); " +
                               "counted in calls and errors, left out of the latency percentiles";

    /// <summary>
    /// Whether <paramref name="span"/> is a watch stream, reading <see cref="UriKeys"/> from its values at
    /// <paramref name="firstKey"/> onwards (the position the scan request put them at).
    /// </summary>
    public static bool IsWatch(ScannedSpan span, int firstKey)
    {
        for (var k = 0; k < UriKeys.Count; k++)
            if (span.Value(firstKey + k) is { } uri && ApiserverRoute.IsWatchQuery(uri)) return true;
        return false;
    }
}
