using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting;
using Kubetrace.Hosting.Tls;
using Kubetrace.Receivers.Otlp.Admission;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Receivers.Otlp.Http;

/// <summary>OTLP/HTTP on its own Kestrel listener (HTTP/1.1), with one handler and no routing table.</summary>
internal static class HttpTraceServer
{
    public static WebApplication Build(HttpServerConfig config, TraceExportService exports, InFlightBytes inFlight, IServerAuthenticator? authenticator,
        ILoggerFactory loggerFactory)
    {
        EndpointAddress.TryParse(config.Endpoint, out var address, out _);
        var tls = ServerTls.Create(config.Tls, loggerFactory.CreateLogger("Kubetrace.Tls"));
        var builder = KestrelHost.CreateBuilder(loggerFactory);
        builder.WebHost.ConfigureKestrel(options =>
        {
            KestrelHost.Listen(options, address, HttpProtocols.Http1, tls);
            config.ConnectionLimits.Apply(options.Limits);
            // The handler enforces max_request_body_size on the decompressed body itself (and on Content-Length).
            options.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var handler = new OtlpHttpHandler(config, exports, inFlight);
        AuthenticationGate.RequireHttp(app, authenticator);
        app.Run(handler.HandleAsync);
        return app;
    }
}
