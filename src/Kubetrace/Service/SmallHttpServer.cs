using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Service;

/// <summary>
/// A minimal Kestrel server on a Collector-style <c>host:port</c> endpoint, for the small operational endpoints
/// (service metrics, health_check). One mechanism for both, so that endpoint parsing and errors are the same.
/// </summary>
public sealed class SmallHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SmallHttpServer(WebApplication app) => _app = app;

    /// <summary>The URLs actually bound (with the real port when the endpoint asked for port 0).</summary>
    public IReadOnlyList<string> Urls =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    public static async Task<SmallHttpServer> StartAsync(string endpoint, Action<WebApplication> mapRoutes, CancellationToken cancellationToken)
    {
        var listen = ParseEndpoint(endpoint);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders(); // the caller logs what matters; Kestrel's own start-up lines would be noise
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            foreach (var address in listen.Addresses) options.Listen(address, listen.Port, o => o.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        mapRoutes(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new ServiceStartException($"cannot listen on {endpoint}: {e.Message}", e);
        }
        return new SmallHttpServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    /// <summary>
    /// <c>host:port</c> as the Collector writes it: <c>localhost:8888</c> (both loopback families), <c>0.0.0.0:8888</c>,
    /// <c>[::1]:8888</c>, <c>:8888</c> (every interface) or a host name resolved now.
    /// </summary>
    public static (IReadOnlyList<IPAddress> Addresses, int Port) ParseEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(endpoint[(colon + 1)..], out var port) || port is < 0 or > 65535)
            throw new ServiceStartException($"invalid endpoint \"{endpoint}\": expected host:port, e.g. localhost:8888");
        var host = endpoint[..colon].Trim('[', ']');
        if (host.Length == 0) return ([IPAddress.IPv6Any], port);
        if (host == "localhost")
            return (System.Net.Sockets.Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback], port);
        if (IPAddress.TryParse(host, out var ip)) return ([ip], port);
        try
        {
            return (Dns.GetHostAddresses(host), port);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new ServiceStartException($"invalid endpoint \"{endpoint}\": cannot resolve \"{host}\": {e.Message}", e);
        }
    }
}
