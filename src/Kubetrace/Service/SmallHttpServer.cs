using System.Net.Sockets;
using Kubetrace.Hosting;
using Kubetrace.Hosting.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Service;

/// <summary>
/// A minimal HTTP/1.1 server (TLS when given) on a Collector-style <c>host:port</c> endpoint, for the small operational endpoints
/// (service metrics, health_check). Built by <see cref="KestrelHost"/> like the receivers, so that endpoint parsing,
/// binding and errors are the same everywhere, with <see cref="ConnectionLimits.SmallServer"/> unless told otherwise.
/// </summary>
public sealed class SmallHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SmallHttpServer(WebApplication app) => _app = app;

    /// <summary>The URLs actually bound (with the real port when the endpoint asked for port 0).</summary>
    public IReadOnlyList<string> Urls => KestrelHost.BoundAddresses(_app);

    /// <summary>The connection limits the running server applies (read back from Kestrel).</summary>
    public ConnectionLimits Limits => KestrelHost.AppliedLimits(_app);

    /// <summary>The routes mapped (from the routing table), so that tests can reach every one.</summary>
    public IReadOnlyList<Microsoft.AspNetCore.Routing.RouteEndpoint> Routes =>
        ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)_app).DataSources.SelectMany(d => d.Endpoints)
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().ToList();

    public static async Task<SmallHttpServer> StartAsync(string endpoint, ServerTls? tls, Action<WebApplication> mapRoutes,
        CancellationToken cancellationToken, ConnectionLimits? limits = null)
    {
        if (!EndpointAddress.TryParse(endpoint, out var address, out var error)) throw new ServiceStartException(error!);
        // The caller logs what matters; the framework's own lines would be noise.
        var builder = KestrelHost.CreateBuilder(NullLoggerFactory.Instance);
        builder.WebHost.ConfigureKestrel(options =>
        {
            KestrelHost.Listen(options, address, HttpProtocols.Http1, tls);
            (limits ?? ConnectionLimits.SmallServer).Apply(options.Limits);
        });
        var app = builder.Build();
        mapRoutes(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException)
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
}
