using Kubetrace.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Kubetrace.Receivers.Otlp.Hosting;

/// <summary>
/// The receiver's web host: the shared <see cref="KestrelHost"/> plus the connection limits that cut off slow
/// clients so that they cannot hold the ingest server.
/// </summary>
internal static class ReceiverWebHost
{
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
