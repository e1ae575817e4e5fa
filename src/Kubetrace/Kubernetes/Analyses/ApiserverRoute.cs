namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// A request's verb and resource when the handler span does not say: from the route-style server span name
/// (<c>GET /api/v1/namespaces/{:namespace}/pods/{:name}</c>, 1.31+) or the request path (<c>http.target</c>,
/// <c>url.path</c>) and the HTTP method, following the apiserver's own request-info rules.
/// </summary>
public static class ApiserverRoute
{
    /// <summary>Resource and subresource of an API path; (null, null) for non-resource paths such as <c>/healthz</c>.</summary>
    public static (string? Resource, string? Subresource, bool Named) Parse(string? path)
    {
        if (string.IsNullOrEmpty(path)) return (null, null, false);
        var query = path.IndexOf('?');
        if (query >= 0) path = path[..query];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var first = segments.Length > 0 && segments[0] == "api" ? 2 : segments.Length > 0 && segments[0] == "apis" ? 3 : -1;
        if (first < 0 || segments.Length <= first) return (null, null, false);
        var rest = segments.AsSpan(first);
        if (rest[0] == "namespaces" && rest.Length >= 3) rest = rest[2..];
        return (rest[0], rest.Length >= 3 ? rest[2] : null, rest.Length >= 2);
    }

    /// <summary>The path of a route-style span name (<c>GET /api/v1/...</c>), or null (<c>KubernetesAPI</c>, bare <c>GET</c>).</summary>
    public static string? PathOfSpanName(string spanName)
    {
        var space = spanName.IndexOf(' ');
        return space > 0 && space + 1 < spanName.Length && spanName[space + 1] == '/' ? spanName[(space + 1)..] : null;
    }

    /// <summary>The HTTP method of a route-style span name, or null.</summary>
    public static string? MethodOfSpanName(string spanName)
    {
        var space = spanName.IndexOf(' ');
        var method = space > 0 ? spanName[..space] : spanName;
        return IsHttpMethod(method) ? method : null;
    }

    public static bool IsHttpMethod(string text) => text is "GET" or "POST" or "PUT" or "PATCH" or "DELETE" or "HEAD" or "OPTIONS";

    /// <summary>A handler span's name as a Kubernetes verb (<c>Create</c> → <c>create</c>); null for other spans.</summary>
    public static string? VerbOfHandler(string spanName) => spanName switch
    {
        "Create" => "create",
        "Get" => "get",
        "List" => "list",
        "WatchList" => "watch",
        "Update" => "update",
        "Patch" => "patch",
        "Delete" => "delete",
        "DeleteCollection" => "deletecollection",
        _ => null,
    };

    /// <summary>
    /// The handler's <c>verb</c> attribute (upper case in most versions, sometimes the HTTP method) as a Kubernetes
    /// verb, given whether the request names one object.
    /// </summary>
    public static string VerbOf(string verbOrMethod, bool named, string? path) => verbOrMethod.ToUpperInvariant() switch
    {
        "POST" or "CREATE" => "create",
        "PUT" or "UPDATE" => "update",
        "PATCH" => "patch",
        "DELETE" => named ? "delete" : "deletecollection",
        "DELETECOLLECTION" => "deletecollection",
        "LIST" => "list",
        "WATCH" or "WATCHLIST" => "watch",
        "GET" or "HEAD" => path is not null && path.Contains("watch=true", StringComparison.Ordinal) ? "watch" : named ? "get" : "list",
        "CONNECT" => "connect",
        var other => other.ToLowerInvariant(),
    };

    /// <summary>Watches and connections last as long as the client keeps them: their duration is not latency.</summary>
    public static bool IsLongRunning(string verb) => verb is "watch" or "connect";

    /// <summary><c>pods</c> from a webhook span's <c>resource</c>, which is a GroupVersionResource string (<c>/v1, Resource=pods</c>).</summary>
    public static string ResourceName(string resource)
    {
        var marker = resource.IndexOf("Resource=", StringComparison.Ordinal);
        return marker >= 0 ? resource[(marker + "Resource=".Length)..] : resource;
    }
}
