using Kubetrace.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Receivers.Otlp.Hosting;

/// <summary>
/// The receiver's web host: the shared <see cref="KestrelHost"/> plus the connection limits that cut off slow
/// clients so that they cannot hold the ingest server.
/// </summary>
internal static class ReceiverWebHost
{
    // CreateBuilder and Listen only forward to KestrelHost; they remain because Grpc/GrpcTraceServer.cs calls them
    // (that folder is being reworked elsewhere). New code calls KestrelHost directly.
    public static WebApplicationBuilder CreateBuilder(ILoggerFactory loggerFactory) => KestrelHost.CreateBuilder(loggerFactory);

    public static void Listen(KestrelServerOptions options, EndpointAddress address, HttpProtocols protocols) =>
        KestrelHost.Listen(options, address, protocols);

    /// <summary>Slow-client protection shared by both protocols.</summary>
    public static void LimitSlowClients(KestrelServerLimits limits, TimeSpan headersTimeout, TimeSpan idleTimeout)
    {
        limits.RequestHeadersTimeout = headersTimeout;
        limits.KeepAliveTimeout = idleTimeout;
        // A body trickling in slower than this (after a grace period) is cut off: a request cannot hold a
        // connection and its buffers forever.
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
        limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
    }
}
