using System.Text.Json;
using Kubetrace.Components;
using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting;
using Kubetrace.Hosting.Tls;
using Kubetrace.Service;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Extensions.HealthCheck;

/// <summary>
/// Answers readiness probes as the Collector's health_check does: 200 with <c>{"status":"Server available",...}</c>
/// once every pipeline has started, 503 with <c>{"status":"Server not available",...}</c> before that and from the
/// moment shutdown begins (so Kubernetes stops routing traffic while queues drain).
/// </summary>
public sealed class HealthCheckExtension(ComponentSettings settings, HealthCheckConfig config) : IExtension
{
    private readonly ILogger _logger = settings.CreateLogger();
    private SmallHttpServer? _server;

    /// <summary>Bound URLs once started.</summary>
    public IReadOnlyList<string> Urls => _server?.Urls ?? [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var authenticator = AuthenticationConfig.Resolve(config.Auth, settings.Directory);
        var tls = ServerTls.Create(config.Tls, _logger);
        ExposureWarning.Check(_logger, $"Extension {settings.Id}", config.Endpoint, tls is not null, authenticator is not null);
        _server = await SmallHttpServer.StartAsync(config.Endpoint, tls, app =>
        {
            AuthenticationGate.RequireHttp(app, authenticator);
            app.MapGet(config.Path, Answer);
        }, cancellationToken);
        _logger.LogInformation("Health check at {Urls}", string.Join(", ", _server.Urls.Select(u => u + config.Path)));
    }

    private IResult Answer()
    {
        // The service's status is the one truth: ready once every pipeline has started, not ready once stopping.
        var since = settings.Status.ReadySince;
        var body = since is { } up
            ? new HealthStatus("Server available", GoTime(up), $"{(DateTimeOffset.UtcNow - up).TotalSeconds:0.###}s")
            : new HealthStatus("Server not available", GoTime(DateTimeOffset.MinValue), "");
        return Results.Json(body, HealthStatusJson.Default.HealthStatus, statusCode: since is null ? 503 : 200);
    }

    /// <summary>RFC 3339 in UTC as Go prints it (the zero time is <c>0001-01-01T00:00:00Z</c>), for probes that parse it.</summary>
    private static string GoTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        var server = Interlocked.Exchange(ref _server, null);
        if (server is not null) await server.DisposeAsync();
    }
}

public sealed record HealthStatus(string Status, string UpSince, string Uptime);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthStatus))]
internal sealed partial class HealthStatusJson : System.Text.Json.Serialization.JsonSerializerContext;
