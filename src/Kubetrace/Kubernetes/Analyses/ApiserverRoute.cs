using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Catalog;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// A request's verb and resource when the handler span does not say: from the route-style server span name
/// (<c>GET /api/v1/namespaces/{:namespace}/pods/{:name}</c>, 1.31+) or the request path (<c>http.target</c>,
/// <c>url.path</c>) and the HTTP method, following the apiserver's own request-info rules.
/// </summary>
public static class ApiserverRoute
{
    /// <summary>
    /// Resource and subresource of an API path (<c>/api/v1/namespaces/default/pods/web-0/status</c> → pods, status,
    /// named), or (null, null, false) for non-resource paths such as <c>/healthz</c>. A query is ignored, and so are
    /// the scheme and host of a full URL (the handler's <c>url</c>). Runs once per request of a scan, so it reads
    /// the path in place and returns pooled names: no allocation.
    /// </summary>
    public static (string? Resource, string? Subresource, bool Named) Parse(ReadOnlySpan<char> path)
    {
        Span<Range> segments = stackalloc Range[9];
        if (!TryRead(ref path, segments, out var count, out var first, out _)) return (null, null, false);
        var rest = count - first;
        return (LabelPool.Get(path[segments[first]]), rest >= 3 ? LabelPool.Get(path[segments[first + 2]]) : null, rest >= 2);
    }

    /// <summary>
    /// The namespace an API path addresses, read as the apiserver's RequestInfoFactory reads it (k8s.io/apiserver
    /// pkg/endpoints/request/requestinfo.go:194-206 at v0.34.0): <c>.../namespaces/{ns}/...</c> is in <c>ns</c>, and
    /// so is the namespace object itself (<c>/api/v1/namespaces/{ns}</c>, its <c>status</c> and <c>finalize</c>);
    /// any other resource path is "" (a cluster-scoped resource, or a list across every namespace); null for a
    /// path that names no resource (<c>/healthz</c>, <c>/openapi/v3</c>).
    /// </summary>
    public static string? NamespaceOf(ReadOnlySpan<char> path)
    {
        Span<Range> segments = stackalloc Range[9];
        if (!TryRead(ref path, segments, out _, out _, out var namespaceSegment)) return null;
        return namespaceSegment < 0 ? "" : path[segments[namespaceSegment]].ToString();
    }

    /// <summary>
    /// The one object an API path addresses (<c>/apis/apps/v1/namespaces/shop/deployments/web/scale</c> → shop,
    /// deployments, web): its namespace ("" for a cluster-scoped object, the namespace object itself included), its
    /// resource and name; null for a collection, a non-resource path or a route template (<c>{:name}</c>).
    /// </summary>
    public static (string Namespace, string Resource, string Name)? ObjectOf(ReadOnlySpan<char> path)
    {
        Span<Range> segments = stackalloc Range[9];
        if (!TryRead(ref path, segments, out var count, out var first, out var namespaceSegment) || count - first < 2) return null;
        var name = path[segments[first + 1]];
        if (name.StartsWith("{")) return null;
        var resource = path[segments[first]].ToString();
        var ns = namespaceSegment < 0 || resource == "namespaces" ? "" : path[segments[namespaceSegment]].ToString();
        return (ns, resource, name.ToString());
    }

    /// <summary>
    /// Splits an API path (<c>/api/v1/...</c>, <c>/apis/group/version/...</c>, a full URL, with or without a query)
    /// into its first segments: <paramref name="first"/> is the resource's, <paramref name="namespaceSegment"/> the
    /// namespace's (-1 when the path names none). False for a path that names no resource.
    /// </summary>
    private static bool TryRead(ref ReadOnlySpan<char> path, scoped Span<Range> segments, out int count, out int first, out int namespaceSegment)
    {
        namespaceSegment = -1;
        path = RequestUri(path);
        var query = path.IndexOf('?');
        if (query >= 0) path = path[..query];
        // The deepest segment read is the 8th (apis/group/version/namespaces/ns/resource/name/subresource); a 9th
        // range takes whatever follows, so the first eight are exact.
        count = path.Split(segments, '/', StringSplitOptions.RemoveEmptyEntries);
        first = count == 0 ? -1 : path[segments[0]] is "api" ? 2 : path[segments[0]] is "apis" ? 3 : -1;
        if (first < 0 || count <= first) return false;
        if (path[segments[first]] is "namespaces" && count - first >= 2) namespaceSegment = first + 1;
        if (path[segments[first]] is "namespaces" && count - first >= 3) first += 2;
        return true;
    }

    /// <summary>The request URI (path and query) of a full URL (<c>https://host:443/api/v1/pods?watch=true</c>); a request URI as it is.</summary>
    public static ReadOnlySpan<char> RequestUri(ReadOnlySpan<char> uri)
    {
        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0 || uri[..scheme].IndexOfAny('/', '?') >= 0) return uri;
        var authority = uri[(scheme + 3)..];
        var end = authority.IndexOfAny('/', '?');
        return end < 0 ? default : authority[end..];
    }

    /// <summary>The path of a route-style span name (<c>GET /api/v1/...</c>); empty for <c>KubernetesAPI</c> or a bare <c>GET</c>.</summary>
    public static ReadOnlySpan<char> PathOfSpanName(string spanName)
    {
        var space = spanName.IndexOf(' ');
        return space > 0 && space + 1 < spanName.Length && spanName[space + 1] == '/' ? spanName.AsSpan(space + 1) : default;
    }

    /// <summary>The HTTP method of a route-style span name, or null.</summary>
    public static string? MethodOfSpanName(string spanName)
    {
        var space = spanName.IndexOf(' ');
        var method = space > 0 ? spanName.AsSpan(0, space) : spanName.AsSpan();
        foreach (var known in HttpMethods)
            if (method.SequenceEqual(known)) return known; // no allocation: this runs for every span of a scan
        return null;
    }

    /// <summary>The methods a route-style server span name starts with.</summary>
    public static readonly string[] HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    /// <summary>A handler span's name as a Kubernetes verb (<c>Create</c> → <c>create</c>); null for other spans.</summary>
    public static string? VerbOfHandler(string spanName) => spanName switch
    {
        ApiserverSpans.Create => "create",
        ApiserverSpans.Get => "get",
        ApiserverSpans.List => "list",
        ApiserverSpans.WatchList => "watch",
        ApiserverSpans.Update => "update",
        ApiserverSpans.Patch => "patch",
        ApiserverSpans.Delete => "delete",
        _ => null,
    };

    /// <summary>
    /// The handler's <c>verb</c> attribute (upper case in most versions, sometimes the HTTP method) as a Kubernetes
    /// verb, given whether the request names one object and its path or route (a watch is a GET with <c>watch=true</c>).
    /// Compared ignoring case instead of upper-casing a copy: this runs once per request of a scan.
    /// </summary>
    public static string VerbOf(string verbOrMethod, bool named, ReadOnlySpan<char> path)
    {
        foreach (var (word, verb) in Verbs)
            if (verbOrMethod.Equals(word, StringComparison.OrdinalIgnoreCase))
                return verb switch
                {
                    Deletes => named ? "delete" : "deletecollection",
                    Reads => IsWatchQuery(path) ? "watch" : named ? "get" : "list",
                    _ => verb,
                };
        return verbOrMethod.ToLowerInvariant(); // returns the same instance when already lower case
    }

    /// <summary>
    /// The inverse of <see cref="VerbOf"/>: the words (methods, verb attributes) it reads as <paramref name="verb"/>,
    /// each with whether the request must then name one object (null: either way) and whether it must not ask for
    /// a watch (a read). An unknown word is its own verb.
    /// </summary>
    public static IEnumerable<(string Word, bool? Named, bool NotWatch)> WordsOf(string verb)
    {
        var known = false;
        foreach (var (word, read) in Verbs)
        {
            if (read == verb) yield return (word, null, false);
            else if (read == Reads && verb is "get" or "list") yield return (word, verb == "get", true);
            else if (read == Deletes && verb is "delete" or "deletecollection") yield return (word, verb == "delete", false);
            else continue;
            known = true;
        }
        if (!known && verb is not ("watch" or "connect")) yield return (verb.ToUpperInvariant(), null, false);
    }

    private const string Deletes = "(delete)";
    private const string Reads = "(read)";

    private static readonly (string Word, string Verb)[] Verbs =
    [
        ("GET", Reads), ("HEAD", Reads), ("LIST", "list"), ("WATCH", "watch"), ("WATCHLIST", "watch"),
        ("POST", "create"), ("CREATE", "create"), ("PUT", "update"), ("UPDATE", "update"), ("PATCH", "patch"),
        ("DELETE", Deletes), ("DELETECOLLECTION", "deletecollection"), ("CONNECT", "connect"),
    ];

    /// <summary>
    /// Whether the request URI's query asks for a watch, as the apiserver decodes ListOptions
    /// (<see cref="LongRunningRequests.AsksForWatch"/>).
    /// </summary>
    public static bool IsWatchQuery(ReadOnlySpan<char> uri)
    {
        var query = uri.IndexOf('?');
        return query >= 0 && LongRunningRequests.AsksForWatch(uri[(query + 1)..]);
    }

    /// <summary>Watches and connections last as long as the client keeps them: their duration is not latency.</summary>
    public static bool IsLongRunning(string verb) => verb is "watch" or "connect";

    /// <summary><c>pods</c> from a webhook span's <c>resource</c>, which is a GroupVersionResource string (<c>/v1, Resource=pods</c>).</summary>
    public static string ResourceName(string resource)
    {
        var marker = resource.IndexOf("Resource=", StringComparison.Ordinal);
        return marker >= 0 ? LabelPool.Get(resource.AsSpan(marker + "Resource=".Length)) : resource;
    }
}
