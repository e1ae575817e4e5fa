using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Receivers.Otlp.Hosting;

/// <summary>
/// Builds the small Kestrel web host each receiver protocol runs on: its own listener, no configuration files, the
/// service's logging, and connection limits that cut off slow clients so that they cannot hold the server.
/// </summary>
internal static class ReceiverWebHost
{
    public static WebApplicationBuilder CreateBuilder(ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ILoggerFactory>(new QuietFrameworkLoggerFactory(loggerFactory));
        builder.Services.AddSingleton<IHostLifetime, ManualHostLifetime>();
        return builder;
    }

    /// <summary>Listens on <paramref name="address"/> with <paramref name="protocols"/> (no TLS).</summary>
    public static void Listen(KestrelServerOptions options, EndpointAddress address, HttpProtocols protocols)
    {
        options.AddServerHeader = false;
        void Configure(ListenOptions listen) => listen.Protocols = protocols;
        if (address.IsLocalhost && address.Port != 0) options.ListenLocalhost(address.Port, Configure);
        else if (address.Host.Length == 0) options.ListenAnyIP(address.Port, Configure);
        else
        {
            foreach (var ip in address.Resolve()) options.Listen(ip, address.Port, Configure);
        }
    }

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

    /// <summary>The addresses actually bound (the port is known only after start when 0 was configured).</summary>
    public static IReadOnlyList<string> BoundAddresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
