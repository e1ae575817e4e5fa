using Grpc.AspNetCore.Server.Model;
using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting;
using Kubetrace.Hosting.Tls;
using Kubetrace.Receivers.Otlp.Admission;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Receivers.Otlp.Grpc;

/// <summary>OTLP/gRPC on its own Kestrel listener: HTTP/2 (cleartext, or TLS with <c>tls:</c>), gzip requests, the configured message size limit.</summary>
internal static class GrpcTraceServer
{
    public static WebApplication Build(GrpcServerConfig config, TraceExportService exports, InFlightBytes inFlight, IServerAuthenticator? authenticator,
        ILoggerFactory loggerFactory)
    {
        EndpointAddress.TryParse(config.Endpoint, out var address, out _);
        var tls = ServerTls.Create(config.Tls, loggerFactory.CreateLogger("Kubetrace.Tls"));
        var builder = KestrelHost.CreateBuilder(loggerFactory);
        builder.WebHost.ConfigureKestrel(options =>
        {
            KestrelHost.Listen(options, address, HttpProtocols.Http2, tls);
            config.ConnectionLimits.Apply(options.Limits);
            options.Limits.MaxRequestBodySize = null; // gRPC enforces max_recv_msg_size_mib per message, after decompression
            if (config.MaxConcurrentStreams > 0) options.Limits.Http2.MaxStreamsPerConnection = config.MaxConcurrentStreams;
            // Larger flow-control windows than the defaults (96 KiB / 128 KiB) so that a request of a few hundred KiB
            // is not throttled by window updates; still bounded per stream and per connection.
            options.Limits.Http2.InitialStreamWindowSize = 1024 * 1024;
            options.Limits.Http2.InitialConnectionWindowSize = 2 * 1024 * 1024;
        });
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = (int)config.MaxReceiveMessageBytes;
            options.EnableDetailedErrors = false;
            options.CompressionProviders = [new CheckedGzipProvider()];
        });
        builder.Services.AddSingleton(new GrpcTraceService(exports, config.IncludeMetadata, config.Auth?.TenantClaim));
        builder.Services.AddSingleton<IServiceMethodProvider<GrpcTraceService>, GrpcTraceMethodProvider>();

        var app = builder.Build();
        AuthenticationGate.Require(app, authenticator, AuthenticationGate.RefuseGrpc);
        var frameCheck = new GrpcFrameCheck(config.MaxReceiveMessageBytes, inFlight);
        app.Use(frameCheck.InvokeAsync);
        app.MapGrpcService<GrpcTraceService>();
        return app;
    }
}
