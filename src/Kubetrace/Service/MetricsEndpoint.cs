using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting.Tls;
using Kubetrace.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Service;

/// <summary>
/// Serves the <see cref="MetricsRegistry"/> at <c>/metrics</c> in the Prometheus text format, behind the
/// authenticator when one is configured (a refused scrape is 401, as on every other listener).
/// </summary>
public static class MetricsEndpoint
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static Task<SmallHttpServer> StartAsync(string endpoint, ServerTls? tls, IServerAuthenticator? authenticator,
        MetricsRegistry metrics, CancellationToken cancellationToken) =>
        SmallHttpServer.StartAsync(endpoint, tls, app =>
        {
            AuthenticationGate.RequireHttp(app, authenticator);
            app.MapGet("/metrics", (HttpContext context) =>
            {
                context.Response.ContentType = ContentType;
                return context.Response.WriteAsync(metrics.Render(), context.RequestAborted);
            });
        }, cancellationToken);
}
