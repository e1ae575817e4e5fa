using System.Collections.Frozen;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Which span attribute keys get posting lists in a block. A key with more distinct values than half the block's
/// traces (at least 256) is nearly unique per trace, a UUID in all but form (<c>audit-id</c>), with nothing in it to
/// search by but the whole value: it is left to scans, which keeps the footer small. A request's target is the
/// exception: its path names the object the request acted on, which is what people and the analyses' row searches
/// look for (a pasted URL, a resource's path pattern, the values the UI's autocomplete offers), yet the kube-apiserver
/// records the request URI with its query (<c>http.target</c> = <c>r.URL.RequestURI()</c>, kubernetes/apiserver
/// v0.34.0 pkg/endpoints/filters/traces.go:58), where a watch's resourceVersion makes nearly every request's value its
/// own, so the limit left it unindexed in any busy block and every search by it decoded every row group. A target's
/// postings cost a key and a short list per distinct value; its text is in the block's dictionary anyway.
/// </summary>
internal static class AttributeIndexPolicy
{
    /// <summary>
    /// Request targets of the HTTP conventions a cluster's components record (otelhttp's <c>http.target</c>,
    /// <c>url.path</c> from the stable conventions, a client's <c>http.url</c> / <c>url.full</c>) and the apiserver
    /// handler span's <c>url</c> (the request path: pkg/endpoints/handlers/trace_util.go:38 at v0.34.0).
    /// </summary>
    private static readonly FrozenSet<string> RequestTargets = FrozenSet.Create(StringComparer.Ordinal,
        "http.target", "url.path", "http.url", "url.full", "url");

    /// <summary>Most distinct values a key other than a request target may have in a block of this many traces and
    /// keep its posting lists.</summary>
    public static int KeyLimit(int traces) => Math.Max(256, traces / 2);

    /// <summary>Whether <paramref name="key"/> keeps its posting lists whatever its number of values.</summary>
    public static bool AlwaysIndexed(string key) => RequestTargets.Contains(key);
}
