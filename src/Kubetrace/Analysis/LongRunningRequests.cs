using System.Buffers;
using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis;

/// <summary>
/// Which spans are requests kube-apiserver holds open as long as their client keeps them — a watch (an informer's
/// for the 5 to 10 minutes client-go asks for), an exec, attach or port-forward session, a log (followed or not),
/// a proxied connection — so their duration is not latency. The one rule every latency figure of the service graph,
/// <c>red</c> and the RED timeline leaves them out by (<see cref="CallStats"/> counts them apart, as "watches").
/// </summary>
/// <remarks>
/// <para>The rule is kube-apiserver's own: <c>BasicLongRunningRequestCheck</c> (k8s.io/apiserver
/// pkg/server/filters/longrunning.go:28–40, the same at v0.27.0, v0.31.0 and v0.34.0) with the verbs <c>watch</c>,
/// <c>proxy</c> and the subresources <c>attach</c>, <c>exec</c>, <c>proxy</c>, <c>log</c>, <c>portforward</c>
/// (kube-apiserver's BuildGenericConfig: kubernetes/kubernetes pkg/controlplane/apiserver/config.go:184–187 at
/// 008b3652; 1.27's buildGenericConfig in cmd/kube-apiserver/app/server.go sets the same; a generic apiserver's
/// default is watch alone, k8s.io/apiserver pkg/server/config.go:435 at v0.27.0, :469 at v0.34.0), applied to the
/// request info the apiserver reads from the method and URL (pkg/endpoints/request/requestinfo.go:117–247 at
/// v0.27.0, :129–278 at v0.31.0 and v0.34.0), which <see cref="IsLongRunning(string?, ReadOnlySpan{char}, ReadOnlySpan{char})"/>
/// follows step by step.</para>
/// <para>What a span says of its request: kube-apiserver's server span (otelhttp's, named <c>KubernetesAPI</c>
/// through 1.30 and after the method and route from 1.31, the same for a list and a watch) carries the request URI
/// with its query as <c>http.target</c> in every release (otelhttp 0.35.1's own through 1.28; Kubernetes sets it
/// since: k8s.io/apiserver pkg/endpoints/filters/traces.go:49 at v0.31.0, :58 at v0.34.0) and the method as
/// <c>http.method</c> (otelhttp 0.35–0.60) or <c>http.request.method</c> (0.61+, 1.35+, beside <c>url.path</c>);
/// a client span built by client-go's transport wrapped with otelhttp (k8s.io/component-base tracing/utils.go:117
/// at v0.27.0, :127 at v0.31.0 and v0.34.0) carries the full URL as <c>http.url</c> (<c>url.full</c> under the
/// stable conventions) and the same method keys. A span without a method is read as a GET (a watch is only ever
/// one); a span without a URL is never long-running.</para>
/// </remarks>
public static class LongRunningRequests
{
    /// <summary>
    /// The attribute keys the rule reads, in this order: the request URI with its query (server: <c>http.target</c>;
    /// client: <c>http.url</c>, <c>url.full</c>), the stable server conventions' <c>url.path</c> and <c>url.query</c>,
    /// and the method (<c>http.method</c>, <c>http.request.method</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> Keys = ["http.target", "http.url", "url.full", "url.path", "url.query", "http.method", "http.request.method"];

    /// <summary>What the output says about them, where latency figures are shown.</summary>
    public const string Note = "watches: requests kube-apiserver holds open as long as their client keeps them (by its own rule: a watch — watch=true or /watch/ —, " +
                               "exec, attach, portforward, log, proxy, /debug/pprof/); counted in calls and errors, left out of the latency percentiles";

    private const int Target = 0, Url = 1, FullUrl = 2, Path = 3, Query = 4, Method = 5, StableMethod = 6;

    /// <summary>
    /// Whether <paramref name="span"/> is a long-running request, reading <see cref="Keys"/> from its values at
    /// <paramref name="firstKey"/> onwards (the position the scan request put them at).
    /// </summary>
    public static bool IsLongRunning(ScannedSpan span, int firstKey)
    {
        var method = span.Value(firstKey + Method) ?? span.Value(firstKey + StableMethod);
        if ((span.Value(firstKey + Target) ?? span.Value(firstKey + Url) ?? span.Value(firstKey + FullUrl)) is { } uri)
            return IsLongRunning(method, uri);
        return span.Value(firstKey + Path) is { } path && IsLongRunning(method, path, span.Value(firstKey + Query));
    }

    /// <summary>Whether a request of <paramref name="method"/> to <paramref name="uri"/> (a request URI, or a full URL) is long-running.</summary>
    public static bool IsLongRunning(string? method, ReadOnlySpan<char> uri)
    {
        uri = ApiserverRoute.RequestUri(uri);
        var fragment = uri.IndexOf('#');
        if (fragment >= 0) uri = uri[..fragment];
        var question = uri.IndexOf('?');
        return question < 0 ? IsLongRunning(method, uri, default) : IsLongRunning(method, uri[..question], uri[(question + 1)..]);
    }

    /// <summary>
    /// Whether a request of <paramref name="method"/> (null: GET) to the escaped <paramref name="path"/> with the raw
    /// <paramref name="query"/> is long-running: the apiserver's request info, then its long-running check.
    /// </summary>
    public static bool IsLongRunning(string? method, ReadOnlySpan<char> path, ReadOnlySpan<char> query)
    {
        method ??= "GET";
        if (path.Contains('%'))
        {
            // The apiserver splits the decoded path (req.URL.Path).
            char[]? rented = null;
            var buffer = path.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(path.Length));
            try
            {
                return Unescape(path, buffer, plusIsSpace: false, out var written) && IsLongRunningDecoded(method, buffer[..written], query);
            }
            finally
            {
                if (rented is not null) ArrayPool<char>.Shared.Return(rented);
            }
        }
        return IsLongRunningDecoded(method, path, query);
    }

    private static bool IsLongRunningDecoded(string method, ReadOnlySpan<char> path, ReadOnlySpan<char> query)
    {
        // requestinfo.go: a non-resource request's verb is the lower-cased method; the check takes /debug/pprof/.
        Span<Range> ranges = stackalloc Range[10]; // the deepest segment read is the 9th: a 10th takes the rest
        var trimmed = path.Trim('/');
        var count = trimmed.IsEmpty ? 0 : trimmed.Split(ranges, '/');
        var apiPrefix = count >= 3 && trimmed[ranges[0]] is "api" or "apis";
        var groupless = apiPrefix && trimmed[ranges[0]] is "api";
        if (!apiPrefix || (!groupless && count < 4))
            return method.Equals("watch", StringComparison.OrdinalIgnoreCase) || method.Equals("proxy", StringComparison.OrdinalIgnoreCase) ||
                   path.StartsWith("/debug/pprof/", StringComparison.Ordinal);

        // A resource request: /api/{version}/... or /apis/{group}/{version}/..., then a verb from the path (the
        // special verbs proxy and watch, requestinfo.go:79) or the method; then namespaces/{ns}/ unless what follows
        // is the namespace's own subresource (status, finalize: requestinfo.go:87); then resource/name/subresource.
        var part = groupless ? 2 : 3;
        string verb;
        if (trimmed[ranges[part]] is "proxy" or "watch")
        {
            if (count - part < 2) return false; // the apiserver answers 500: never served
            verb = trimmed[ranges[part]] is "proxy" ? "proxy" : "watch";
            part++;
        }
        else
        {
            verb = method switch { "POST" => "create", "GET" or "HEAD" => "get", "PUT" => "update", "PATCH" => "patch", "DELETE" => "delete", _ => "" };
        }
        if (verb is "watch" or "proxy") return true;

        if (trimmed[ranges[part]] is "namespaces" && count - part > 2 && trimmed[ranges[part + 2]] is not ("status" or "finalize"))
            part += 2;
        var parts = count - part;
        if (parts >= 3 && trimmed[ranges[part + 2]] is "attach" or "exec" or "proxy" or "log" or "portforward") return true;
        // No name (an empty segment is none) and a get: a list, or a watch when the query asks for one.
        return (parts < 2 || trimmed[ranges[part + 1]].IsEmpty) && verb is "get" && AsksForWatch(query);
    }

    /// <summary>
    /// Whether a raw query asks for a watch as the apiserver decodes ListOptions: the first <c>watch</c> value of Go's
    /// url.ParseQuery (pairs with a semicolon or a bad escape dropped, keys and values unescaped) is true unless it is
    /// <c>0</c> or <c>false</c> in any case (apimachinery pkg/runtime/conversion.go:83–95 Convert_Slice_string_To_bool,
    /// and requestinfo.go:232–237 when the options do not decode).
    /// </summary>
    public static bool AsksForWatch(ReadOnlySpan<char> query)
    {
        Span<char> key = stackalloc char[16];
        Span<char> value = stackalloc char[16];
        while (!query.IsEmpty)
        {
            var amp = query.IndexOf('&');
            var pair = amp < 0 ? query : query[..amp];
            query = amp < 0 ? default : query[(amp + 1)..];
            if (pair.IsEmpty || pair.Contains(';')) continue;
            var equals = pair.IndexOf('=');
            var rawKey = equals < 0 ? pair : pair[..equals];
            var rawValue = equals < 0 ? default : pair[(equals + 1)..];
            if (rawKey.Length > 3 * "watch".Length || !Unescape(rawKey, key, plusIsSpace: true, out var keyLength) || !key[..keyLength].SequenceEqual("watch"))
                continue;
            if (rawValue.Length > 3 * "false".Length) return Unescapes(rawValue);
            if (!Unescape(rawValue, value, plusIsSpace: true, out var valueLength)) continue;
            var decoded = value[..valueLength];
            return !(decoded is "0" || decoded.Equals("false", StringComparison.OrdinalIgnoreCase));
        }
        return false;
    }

    /// <summary>Whether a long value unescapes (then it is neither 0 nor false, so a watch).</summary>
    private static bool Unescapes(ReadOnlySpan<char> raw)
    {
        for (var i = 0; i < raw.Length; i++)
            if (raw[i] == '%' && (i + 2 >= raw.Length || !char.IsAsciiHexDigit(raw[i + 1]) || !char.IsAsciiHexDigit(raw[i + 2]))) return false;
        return true;
    }

    /// <summary>
    /// Go's unescape: %XX to its byte, <c>+</c> to a space in a query; false for a bad escape or too small a buffer.
    /// A byte above 0x7F becomes U+FFFD: the words compared are ASCII, so such a byte only has to stay apart from them.
    /// </summary>
    private static bool Unescape(ReadOnlySpan<char> raw, Span<char> destination, bool plusIsSpace, out int written)
    {
        written = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (written == destination.Length) return false;
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !char.IsAsciiHexDigit(raw[i + 1]) || !char.IsAsciiHexDigit(raw[i + 2])) return false;
                var b = HexValue(raw[i + 1]) << 4 | HexValue(raw[i + 2]);
                i += 2;
                destination[written++] = b < 0x80 ? (char)b : '\uFFFD';
                continue;
            }
            destination[written++] = plusIsSpace && c == '+' ? ' ' : c;
        }
        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
