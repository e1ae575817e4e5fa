using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubetrace.Api.Ui;

/// <summary>
/// The web UI on the query port, beside the APIs it calls: <c>/ui/assets/*</c> are the embedded files, and every
/// other <c>/ui/...</c> path (and <c>/</c>) is the page shell, whose router draws the page the path names — so a
/// copied link such as <c>/ui/trace/5b8e...</c> opens that page directly. See docs/ui.md.
/// </summary>
public static class WebUi
{
    /// <summary>Everything comes from this server: no CDN, no inline script (the machine may be offline).</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", Shell);
        app.MapGet("/ui", Shell);
        app.MapGet("/ui/{**page}", Shell);
        app.MapGet("/ui/assets/{**file}", context =>
        {
            var file = context.Request.RouteValues["file"] as string ?? "";
            return UiAssets.Embedded.Find("assets/" + file) is { } asset ? WriteAsync(context, asset) : NotFoundAsync(context, file);
        });
    }

    private static Task Shell(HttpContext context) => WriteAsync(context, UiAssets.Embedded.Find("index.html")
        ?? throw new InvalidOperationException("the UI's index.html is not embedded in the assembly (see Kubetrace.csproj)"));

    private static Task WriteAsync(HttpContext context, UiAsset asset)
    {
        var headers = context.Response.Headers;
        // Revalidate every time: cheap (304 on the ETag), and an upgraded server never mixes old and new modules.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Bytes.Length;
        return context.Response.Body.WriteAsync(asset.Bytes, context.RequestAborted).AsTask();
    }

    private static Task NotFoundAsync(HttpContext context, string file)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync($"no UI file \"{file}\"", context.RequestAborted);
    }
}
