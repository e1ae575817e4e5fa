using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api;

/// <summary>Route values as the client meant them.</summary>
public static class RouteText
{
    /// <summary>
    /// A route value with an encoded slash restored: Kestrel decodes paths except <c>%2F</c>, and Jaeger UI
    /// encodes service names such as <c>abc/trifle</c> that way.
    /// </summary>
    public static string Get(HttpContext context, string name) =>
        (context.Request.RouteValues[name]?.ToString() ?? "").Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
}
