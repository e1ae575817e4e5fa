using Kubetrace.Exporters.Kubetrace;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubetrace.Api.Native;

/// <summary>
/// <c>GET /metrics/spans</c>: the stored spans' RED metrics in the Prometheus text format, named as the
/// Collector's spanmetrics connector names them (see <see cref="Analysis.SpanMetrics.SpanMetricsRecorder"/>).
/// 503 while the storage exporter is not running.
/// </summary>
public static class SpanMetricsApi
{
    public const string Path = "/metrics/spans";

    public static void Map(IEndpointRouteBuilder app, Func<ISpanMetricsSource?> find)
    {
        app.MapGet(Path, async context =>
        {
            if (find() is not { } source)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync("span metrics are not available: the storage exporter is not running\n", context.RequestAborted);
                return;
            }
            var text = new StringWriter();
            source.SpanMetrics.WriteTo(text);
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
        });
    }
}
