using Kubetrace.Api.Authorization;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Query.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubetrace.Api.Native;

/// <summary>
/// <c>GET /metrics/spans</c>: the stored spans' RED metrics in the Prometheus text format, named as the
/// Collector's spanmetrics connector names them (see <see cref="Analysis.SpanMetrics.SpanMetricsRecorder"/>).
/// Of the caller's tenant (401 "no org id" under multitenancy without one); 503 while the storage exporter is not
/// running; 403 for a reader not granted all (the counts cover every namespace).
/// </summary>
public static class SpanMetricsApi
{
    public const string Path = "/metrics/spans";

    public static void Map(IEndpointRouteBuilder app, Func<ISpanMetricsSource?> find, QueryAuthorization authorization)
    {
        app.MapGet(Path, async context =>
        {
            string tenant;
            try
            {
                tenant = authorization.TenantOf(context);
                // Counted as spans arrive, over every namespace of the tenant: no per-reader view exists.
                authorization.RequireAll(context, "span metrics");
            }
            catch (Exception e) when (e is AccessDeniedException or MissingTenantException or BadQueryException)
            {
                context.Response.StatusCode = e switch
                {
                    MissingTenantException => StatusCodes.Status401Unauthorized,
                    BadQueryException => StatusCodes.Status400BadRequest,
                    _ => StatusCodes.Status403Forbidden,
                };
                await context.Response.WriteAsync(e.Message + "\n", context.RequestAborted);
                return;
            }
            if (find() is not { } source)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync("span metrics are not available: the storage exporter is not running\n", context.RequestAborted);
                return;
            }
            var text = new StringWriter();
            source.SpanMetricsOf(tenant)?.WriteTo(text);
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
        });
    }
}
