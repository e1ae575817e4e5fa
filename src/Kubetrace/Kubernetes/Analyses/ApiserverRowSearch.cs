using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Semantics;
using static Kubetrace.Analysis.TraceQlText;
using P = Kubetrace.Kubernetes.Analyses.ApiserverPathPattern;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// The search for an <c>apiserver</c> row's requests: their server spans, told apart as
/// <see cref="ApiserverRequestWalker"/> tells them (the otelhttp server span of every release, of some duration), of
/// the row's verb and resource as it reads them. A TraceQL query, since the verb and resource are read from the
/// spans below the server span:
/// <list type="bullet">
/// <item>a request with a handler span (<c>Get</c>, <c>List</c>, ...) below it: the handler's name is the verb, its
/// <c>resource</c> the resource, its <c>subresource</c> (else, before 1.29 or when empty, the path's) the subresource;</item>
/// <item>a request without (refused by priority and fairness): the method and path, as <see cref="ApiserverRoute.VerbOf"/>
/// and <see cref="ApiserverRoute.Parse"/> read them;</item>
/// <item>the request's path (<c>http.target</c>, on the server span in every release) names the group
/// (<see cref="ApiserverPathPattern.GroupVersion"/>); a request that sent one on through the aggregator's proxy is
/// a <c>via host:port</c> row, the extension server's own request under the proxy an <c>(extension)</c> row.</item>
/// </list>
/// </summary>
/// <remarks>
/// Null for rows no search can single out: watches (left out) and <c>(non-resource)</c>; the <c>(authentication)</c>
/// row's is <see cref="SeparateAuthentication"/>. Read as the walker reads them for spans as the releases record them; not found alike (no release or
/// simulated cluster has them): a request with two handler spans of its own, or a resource named only by a storage
/// span (the walker takes the first in breadth-first order); a handler below a loopback call inside the request (the
/// walker skips it; loopback calls start traces of their own); a server span without <c>http.target</c> or
/// without an HTTP method attribute; a route naming one object where the path does not; a query repeating
/// <c>watch</c>; a path with doubled slashes; an <c>authentication</c> span whose parent span was not stored (it is
/// always a trace's root).
/// </remarks>
internal static class ApiserverRowSearch
{
    private const string Extension = " (extension)";
    private const string Via = " via ";

    private static readonly string Apiserver = $"resource.service.name =~ {Quote("apiserver|kube-apiserver")}";

    /// <summary>A request's server span as <see cref="ApiserverRequestWalker.IsRequestSpan"/> tells it: <c>KubernetesAPI</c> before 1.31, the method and route (or a bare method) after.</summary>
    private static readonly string ServerSpan = All("kind = server", Any($"name = {Quote(ApiserverSpans.LegacyServerSpan)}",
        All(Apiserver, $"name =~ {Quote($"({string.Join('|', ApiserverRoute.HttpMethods)})( .*)?")}")));

    /// <summary>The request's own server span, of some duration.</summary>
    private static readonly string Request = All(ServerSpan, "duration > 0ns");

    /// <summary>The verb and resource cells of the row of authentication spans that are traces of their own (1.33).</summary>
    public const string AuthenticationVerb = "(authentication)", AuthenticationResource = "(own traces)";

    /// <summary>
    /// The <c>(authentication)</c> row's spans: an apiserver's <c>authentication</c> span that is the root of its
    /// trace and has no request's server span below it (from 1.33 tracing starts after authentication; a
    /// system:masters request without a traceparent still hangs its server span under it).
    /// </summary>
    public static RowSearch SeparateAuthentication { get; } = RowSearch.Query(
        $"({Filter(ServerSpan)} !< {Filter(Apiserver, $"name = {Quote(ApiserverSpans.Authentication)}", "nestedSetParent = -1")})");

    private const string Loopback = "127\\.0\\.0\\.1|::1|localhost|\\[::1\\]";

    /// <summary>The aggregator's proxy: an HTTP call the apiserver sent to an address other than its loopback, not a webhook's.</summary>
    private static readonly string ProxyCall = All("kind = client", Apiserver, $"name =~ {Quote("HTTP .*")}",
        FirstPresent(["server.address", "net.peer.name"], key => NotMatches(key, Loopback), Any(Absent("http.host"), NotMatches("http.host", $"({Loopback})(:[^:]*)?"))));

    private static readonly string WebhookCall = Filter($"name =~ {Quote($"{ApiserverSpans.MutatingWebhook}|{ApiserverSpans.ValidatingWebhook}")}");

    private static string Proxy(string? condition = null) => $"({WebhookCall} !> {Filter(ProxyCall, condition)})";

    private static readonly string AnyHandler = Filter(Any([.. ApiserverSpans.Handlers.Select(h => $"name = {Quote(h)}"),
        All($"name =~ {Quote(".* etcd3")}", $"{Span(StorageKeys.Resource)} != \"\"")]));

    private static readonly string NotWatch = NotMatches(ApiserverKeys.HttpTarget, P.Watch);

    public static RowSearch? Of(ApiserverRequestGroup row) => Of(row.Verb, row.Resource);

    public static RowSearch? Of(string verb, string resource)
    {
        if (ApiserverRoute.IsLongRunning(verb) || resource.StartsWith('(')) return null;
        var extension = resource.EndsWith(Extension, StringComparison.Ordinal);
        if (extension) resource = resource[..^Extension.Length];
        var via = resource.IndexOf(Via, StringComparison.Ordinal);
        var peer = via < 0 ? null : resource[(via + Via.Length)..];
        if (via >= 0) resource = resource[..via];
        if (resource.Contains(' ')) return null;
        var slash = resource.IndexOf('/');
        var (grouped, subresource) = slash < 0 ? (resource, null) : (resource[..slash], resource[(slash + 1)..]);
        var dot = grouped.IndexOf('.');
        var (name, group) = dot < 0 ? (grouped, (string?)null) : (grouped[..dot], grouped[(dot + 1)..]);

        // Proxied: the extension's handler is below the proxy, so the verb and resource are the method's and path's.
        if (peer is not null)
            return RowSearch.Query($"{Proxy()} !> ({Proxy(PeerIs(peer))} << {Filter(Request, ByMethod(verb, name, group, subresource))})");
        var requests = string.Join(" || ", [.. ByHandler(verb, name, group, subresource), $"({AnyHandler} !<< {Filter(Request, ByMethod(verb, name, group, subresource))})"]);
        // Not one that sent a request on through the proxy (a via row); the extension's own is the proxy's child.
        return RowSearch.Query($"{Proxy()} {(extension ? ">" : "!>")} ({Proxy()} !<< ({requests}))");
    }

    /// <summary>Requests whose handler span names the verb and resource.</summary>
    private static IEnumerable<string> ByHandler(string verb, string name, string? group, string? subresource)
    {
        var handler = ApiserverSpans.Handlers.FirstOrDefault(h => ApiserverRoute.VerbOfHandler(h) == verb);
        if (handler is null) yield break;
        var named = All($"name = {Quote(handler)}", Equal(ApiserverKeys.Resource, name));
        var unset = Unset(ApiserverKeys.Subresource);
        if (subresource is null)
        {
            yield return $"({Filter(named, unset)} << {Filter(Request, Path(group, P.Resource(null, null, null)))})";
            yield break;
        }
        yield return $"({Filter(named, Equal(ApiserverKeys.Subresource, subresource))} << {Filter(Request, Path(group, P.AnyResource))})";
        yield return $"({Filter(named, unset)} << {Filter(Request, Path(group, P.Resource(null, subresource, null)))})";
    }

    /// <summary>A request told by its method and path alone (the HTTP method: no handler or storage span gives a verb).</summary>
    private static string ByMethod(string verb, string name, string? group, string? subresource) =>
        Any([.. ApiserverRoute.WordsOf(verb).Where(w => ApiserverRoute.HttpMethods.Contains(w.Word))
            .GroupBy(w => (w.Named, w.NotWatch), w => w.Word)
            .Select(m => All(Method(m), Path(group, P.Resource(name, subresource, m.Key.Named)), m.Key.NotWatch ? NotWatch : null))]);

    /// <summary>The request path (<c>http.target</c>) is one of the group's (null: a built-in group's) followed by <paramref name="resource"/>.</summary>
    private static string Path(string? group, string resource) => Matches(ApiserverKeys.HttpTarget, P.GroupVersion(group) + resource);

    /// <summary>The HTTP method attribute, of either convention, is one of <paramref name="methods"/> (the walker ignores case).</summary>
    private static string Method(IEnumerable<string> methods) =>
        FirstPresent(K8sVocabulary.SourcesOf(K8sKeys.HttpMethod), key => Matches(key, $"(?i){string.Join('|', methods)}"));

    /// <summary>The proxy's address as the walker writes it: <c>http.host</c>, else host and port (443 when none is recorded).</summary>
    private static string PeerIs(string peer)
    {
        var colon = peer.LastIndexOf(':');
        var (host, port) = colon > 0 ? (peer[..colon], peer[(colon + 1)..]) : (peer, "");
        var portIs = FirstPresent(["server.port", "net.peer.port"], key => Any(Equal(key, port), long.TryParse(port, out var p) ? $"{Span(key)} = {p}" : "false"),
            port == "443" ? "true" : "false");
        return FirstPresent(["http.host"], key => Equal(key, peer), All(FirstPresent(["server.address", "net.peer.name"], key => Equal(key, host), host.Length == 0 ? "true" : "false"), portIs));
    }
}
