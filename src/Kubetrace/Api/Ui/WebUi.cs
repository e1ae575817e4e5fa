using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Kubetrace.Api.Ui;

/// <summary>
/// The web UI on the query port, beside the APIs it calls: <c>/ui/assets/*</c> are the embedded files, and every
/// other <c>/ui/...</c> path (and <c>/</c>) is the page shell, whose router draws the page the path names — so a
/// copied link such as <c>/ui/trace/5b8e...</c> opens that page directly. See docs/ui.md. Every UI answer (404s
/// and 304s too) carries the hardening headers (docs/security.md): a strict CSP that also forbids framing, nosniff,
/// <c>X-Frame-Options: DENY</c> for older browsers, and no referrer (trace IDs in URLs stay here). Paths trying to
/// step outside the UI are refused (<see cref="UiPathGuard"/>).
/// </summary>
public static class WebUi
{
    /// <summary>Everything comes from this server: no CDN, no inline script or style (the machine may be offline,
    /// and injected markup cannot run), no plugins, forms post only here, and no other site may frame the UI.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", Shell);
        app.MapGet("/ui", Shell);
        app.MapGet("/ui/{**page}", Shell);
        app.MapGet("/ui/assets/{**file}", context =>
        {
            if (Refused(context) is { } refused) return refused;
            var file = context.Request.RouteValues["file"] as string ?? "";
            if (!UiPathGuard.IsAssetName(file)) return PlainAsync(context, StatusCodes.Status400BadRequest, "bad UI path: not a UI file name");
            return UiAssets.Embedded.Find("assets/" + file) is { } asset
                ? WriteAsync(context, asset)
                : PlainAsync(context, StatusCodes.Status404NotFound, $"no UI file \"{file}\"");
        });
    }

    private static Task Shell(HttpContext context) => Refused(context) ?? WriteAsync(context, UiAssets.Embedded.Find("index.html")
        ?? throw new InvalidOperationException("the UI's index.html is not embedded in the assembly (see Kubetrace.csproj)"));

    /// <summary>A 400 for a path trying to step outside the UI (judged on the request target as sent); null: fine.</summary>
    private static Task? Refused(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } target ? target : context.Request.Path.Value ?? "/";
        if (!raw.StartsWith('/')) raw = context.Request.Path.Value ?? "/"; // absolute-form targets: the path Kestrel took from them
        return UiPathGuard.Problem(raw) is { } problem ? PlainAsync(context, StatusCodes.Status400BadRequest, $"bad UI path: {problem}") : null;
    }

    private static void Harden(IHeaderDictionary headers)
    {
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
    }

    private static Task WriteAsync(HttpContext context, UiAsset asset)
    {
        var headers = context.Response.Headers;
        // Revalidate every time: cheap (304 on the ETag), and an upgraded server never mixes old and new modules.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        Harden(headers);
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Bytes.Length;
        return context.Response.Body.WriteAsync(asset.Bytes, context.RequestAborted).AsTask();
    }

    private static Task PlainAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        Harden(context.Response.Headers);
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
