using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Kubetrace.Receivers.Otlp.Http;

/// <summary>
/// CORS for browser exporters, as the Collector configures it: allowed origins (with <c>*</c> wildcards), allowed
/// request headers on top of the ones OTLP needs, and a preflight cache time.
/// </summary>
internal sealed class CorsPolicy
{
    /// <summary>Headers an OTLP browser exporter sends; always allowed.</summary>
    private static readonly string[] BaseHeaders = ["accept", "content-type", "content-encoding", "content-length", "x-requested-with"];

    private readonly Regex[] _origins;
    private readonly HashSet<string> _headers;
    private readonly bool _anyHeader;
    private readonly int _maxAge;

    public CorsPolicy(CorsConfig config)
    {
        _origins = config.AllowedOrigins.Select(ToPattern).ToArray();
        _anyHeader = config.AllowedHeaders.Contains("*");
        _headers = new HashSet<string>(BaseHeaders.Concat(config.AllowedHeaders), StringComparer.OrdinalIgnoreCase);
        _maxAge = config.MaxAge;
    }

    /// <summary>Adds the CORS headers to the answer of an actual (non-preflight) request from an allowed origin.</summary>
    public void AddResponseHeaders(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0) return;
        context.Response.Headers.Vary = "Origin";
        if (IsAllowed(origin)) context.Response.Headers.AccessControlAllowOrigin = origin;
    }

    /// <summary>Answers a preflight (OPTIONS with Access-Control-Request-Method); false if it is not one.</summary>
    public bool TryAnswerPreflight(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsOptions(request.Method) || StringValues.IsNullOrEmpty(request.Headers.AccessControlRequestMethod)) return false;
        var headers = context.Response.Headers;
        headers.Vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        var origin = request.Headers.Origin.ToString();
        if (!IsAllowed(origin) || !HttpMethods.IsPost(request.Headers.AccessControlRequestMethod.ToString())) return true;

        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowMethods = "POST";
        var requested = request.Headers.AccessControlRequestHeaders.ToString()
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var allowed = requested.Where(h => _anyHeader || _headers.Contains(h)).ToArray();
        if (allowed.Length > 0) headers.AccessControlAllowHeaders = string.Join(", ", allowed);
        if (_maxAge > 0) headers.AccessControlMaxAge = _maxAge.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    private bool IsAllowed(string origin) => origin.Length > 0 && _origins.Any(pattern => pattern.IsMatch(origin));

    /// <summary><c>https://*.example.com</c> → a case-insensitive whole-string pattern where <c>*</c> matches anything.</summary>
    private static Regex ToPattern(string origin) =>
        Query.UserRegex.CompileWhole(Regex.Escape(origin).Replace("\\*", ".*"), RegexOptions.IgnoreCase);
}
