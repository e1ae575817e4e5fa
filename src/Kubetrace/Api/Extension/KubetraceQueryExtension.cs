using Kubetrace.Api.Audit;
using Kubetrace.Api.Authorization;
using Kubetrace.Api.Jaeger;
using Kubetrace.Api.Native;
using Kubetrace.Api.Tempo;
using Kubetrace.Api.Ui;
using Kubetrace.Components;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting;
using Kubetrace.Hosting.Tls;
using Kubetrace.Service;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Api.Extension;

/// <summary>
/// The query server: the web UI, the native and Jaeger APIs on <c>endpoint</c>, the Tempo API on <c>tempo_endpoint</c>, all
/// over the store of the exporter named by <c>storage</c>, looked up in the service's component directory.
/// </summary>
public sealed class KubetraceQueryExtension(ComponentSettings settings, KubetraceQueryConfig config) : IExtension
{
    private readonly ILogger _logger = settings.CreateLogger();
    private SmallHttpServer? _query;
    private SmallHttpServer? _tempo;
    private QueryAuditLog? _audit;

    /// <summary>Bound URLs of the native/Jaeger server once started.</summary>
    public IReadOnlyList<string> Urls => _query?.Urls ?? [];

    /// <summary>Bound URLs of the Tempo server once started (empty when off).</summary>
    public IReadOnlyList<string> TempoUrls => _tempo?.Urls ?? [];

    /// <summary>Every route of both ports with the port's URL, from the routing tables.</summary>
    public IEnumerable<(string Url, Microsoft.AspNetCore.Routing.RouteEndpoint Route)> Routes =>
        new[] { _query, _tempo }.Where(s => s is not null).SelectMany(s => s!.Routes.Select(r => (s.Urls[0], r)));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ComponentId.TryParse(config.Storage, out var storageId, out _);
        // Every component is built before any starts, so a wrong name is reported now, not at the first query.
        if (settings.Directory.Find<ITraceStoreSource>(ComponentKind.Exporter, storageId) is null)
            throw new InvalidOperationException(
                $"storage \"{config.Storage}\" is not a storage exporter (e.g. kubetrace) used in a pipeline of this configuration");
        var authorization = QueryAuthorization.FromConfig(config.Authorization, _logger, settings.MultitenancyEnabled);
        var engines = new EngineSource(() => settings.Directory.Find<ITraceStoreSource>(ComponentKind.Exporter, storageId), config.Storage,
            config.ToLimits()) { Authorization = authorization, Clock = settings.Clock };
        _audit = QueryAuditLog.Open(config.Audit?.File);

        // Loaded once: both ports present the same certificate and reload it together.
        var tls = ServerTls.Create(config.Tls, _logger);
        var authenticator = AuthenticationConfig.Resolve(config.Auth, settings.Directory);
        foreach (var endpoint in new[] { config.Endpoint, config.TempoEndpoint }.Where(e => !string.IsNullOrWhiteSpace(e)))
            ExposureWarning.Check(_logger, $"Query extension {settings.Id}", endpoint, tls is not null, authenticator is not null);
        var native = new ApiHandler(engines, NativeErrors.Instance, _logger);
        var jaeger = new ApiHandler(engines, JaegerErrors.Instance, _logger);
        _query = await SmallHttpServer.StartAsync(config.Endpoint, tls, app =>
        {
            CheckHost(app, config.Endpoint);
            _audit?.Use(app, authorization);
            AuthenticationGate.RequireHttp(app, authenticator);
            NativeApi.Map(app, native);
            AnalyzeApi.Map(app, native, Analysis.Sampling.SamplingRates.FromConfig(config.SamplingRatePerMillion));
            SpanMetricsApi.Map(app, () => settings.Directory.Find<ISpanMetricsSource>(ComponentKind.Exporter, storageId), authorization);
            JaegerApi.Map(app, jaeger);
            WebUi.Map(app);
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Web UI, native and Jaeger query API at {Urls}", string.Join(", ", _query.Urls));

        if (!string.IsNullOrWhiteSpace(config.TempoEndpoint))
        {
            var tempo = new ApiHandler(engines, TempoErrors.Instance, _logger);
            try
            {
                _tempo = await SmallHttpServer.StartAsync(config.TempoEndpoint, tls, app =>
                {
                    CheckHost(app, config.TempoEndpoint);
                    _audit?.Use(app, authorization);
                    AuthenticationGate.RequireHttp(app, authenticator);
                    TempoApi.Map(app, tempo);
                }, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch
            {
                // The service only shuts down components that started: release the first port ourselves.
                await ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            _logger.LogInformation("Tempo query API at {Urls}", string.Join(", ", _tempo.Urls));
        }
    }

    private void CheckHost(Microsoft.AspNetCore.Builder.WebApplication app, string endpoint)
    {
        Hosting.EndpointAddress.TryParse(endpoint, out var address, out _);
        var check = new HostHeaderCheck(address, config.AllowedHosts);
        app.Use(check.InvokeAsync);
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _tempo, null) is { } tempo) await tempo.DisposeAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _query, null) is { } query) await query.DisposeAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _audit, null)?.Dispose();
    }
}
