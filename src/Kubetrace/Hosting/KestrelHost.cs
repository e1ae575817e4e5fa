using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Kubetrace.Hosting.Tls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kubetrace.Hosting;

/// <summary>
/// The one way Kubetrace builds a small Kestrel web host (receivers, service metrics, health_check, query APIs):
/// its own listener on a Collector-style endpoint, no configuration files, the service's logging with the
/// framework's per-request lines kept out, and a lifetime owned by the component rather than by Ctrl+C / SIGTERM.
/// </summary>
internal static class KestrelHost
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

    /// <summary>Listens on <paramref name="address"/> with <paramref name="protocols"/>, over TLS when <paramref name="tls"/> is given.</summary>
    public static void Listen(KestrelServerOptions options, EndpointAddress address, HttpProtocols protocols, ServerTls? tls = null)
    {
        options.AddServerHeader = false;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            tls?.Apply(listen);
        }

        // localhost with port 0 binds IPv4 loopback only: two families would each get a different random port.
        if (address.IsLocalhost && address.Port != 0) options.ListenLocalhost(address.Port, Configure);
        else if (address.Host.Length == 0) options.ListenAnyIP(address.Port, Configure);
        else
        {
            foreach (var ip in address.Resolve()) options.Listen(ip, address.Port, Configure);
        }
    }

    /// <summary>
    /// The connection limits the host's Kestrel holds, read back from its options: what <see cref="ConnectionLimits.Apply"/>
    /// set, so a test can check that a listener runs with the configured limits without timing how soon it drops a client.
    /// </summary>
    public static ConnectionLimits AppliedLimits(WebApplication app)
    {
        var limits = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
        return new ConnectionLimits(limits.RequestHeadersTimeout, limits.KeepAliveTimeout, (int)(limits.MaxConcurrentConnections ?? -1));
    }

    /// <summary>The addresses actually bound (the port is known only after start when 0 was configured).</summary>
    public static IReadOnlyList<string> BoundAddresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
