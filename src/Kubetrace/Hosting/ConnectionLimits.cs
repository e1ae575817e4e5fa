using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Kubetrace.Hosting;

/// <summary>
/// What a listener allows a client connection, so that slow or idle clients cannot hold it: time to send the
/// request headers, time an idle keep-alive connection stays open, and connections open at once. Every Kestrel
/// listener of Kubetrace (receivers, query, metrics, health_check) applies one of these.
/// </summary>
public sealed record ConnectionLimits(TimeSpan HeaderTimeout, TimeSpan IdleTimeout, int MaxConcurrentConnections)
{
    /// <summary>For the small operational servers (query, metrics, health_check): a few clients, browsers, scrapers.</summary>
    public static ConnectionLimits SmallServer { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), 256);

    /// <summary>Applies the limits; a connection over the maximum is closed as soon as it is accepted.</summary>
    public void Apply(KestrelServerLimits limits)
    {
        limits.RequestHeadersTimeout = HeaderTimeout;
        limits.KeepAliveTimeout = IdleTimeout;
        limits.MaxConcurrentConnections = MaxConcurrentConnections;
        limits.MaxConcurrentUpgradedConnections = MaxConcurrentConnections;
        // A body trickling in (or an answer read) slower than this, after a grace period, is cut off: a request
        // cannot hold a connection and its buffers forever.
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
        limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
    }
}
