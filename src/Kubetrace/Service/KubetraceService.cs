using System.Diagnostics;
using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting;
using Kubetrace.Hosting.Tls;
using Kubetrace.Telemetry;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Service;

/// <summary>
/// Runs a loaded configuration: builds the pipelines, serves the service's own metrics, starts the components in
/// dependency order and shuts them down in reverse, flushing, within a bounded time.
/// </summary>
public sealed class KubetraceService : IAsyncDisposable
{
    /// <summary>Below Kubernetes' default 30 s termination grace period, so that the drain finishes before SIGKILL.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(25);

    private static readonly TimeSpan MinimumGrace = TimeSpan.FromMilliseconds(500);

    private readonly ServiceConfig _config;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeSpan _shutdownTimeout;
    private readonly List<RunningComponent> _started = [];
    private SmallHttpServer? _metricsServer;
    private int _shutdownStarted;

    public KubetraceService(ServiceConfig config, ILoggerFactory loggerFactory, TimeSpan? shutdownTimeout = null)
    {
        _config = config;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Kubetrace.Service");
        _shutdownTimeout = shutdownTimeout ?? DefaultShutdownTimeout;
    }

    public MetricsRegistry Metrics { get; } = new();

    public ServiceStatus Status { get; } = new();

    /// <summary>The components that have started, in start order (for introspection and tests).</summary>
    public IReadOnlyList<RunningComponent> Components => _started;

    /// <summary>URLs of the metrics endpoint once started (empty when <c>service.telemetry.metrics.level</c> is none).</summary>
    public IReadOnlyList<string> MetricsUrls => _metricsServer?.Urls ?? [];

    /// <summary>Builds and starts everything; on failure stops what had started and throws <see cref="ServiceStartException"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        ProcessMetrics.Register(Metrics);
        var directory = new ComponentDirectory();
        var pressure = new MemoryPressure();
        var graph = ServiceGraph.Build(_config, id => new ComponentSettings(id, _loggerFactory, Metrics, Status)
        {
            Directory = directory, MemoryPressure = pressure, MultitenancyEnabled = _config.MultitenancyEnabled,
        });
        try
        {
            if (_config.Telemetry.Metrics.EffectiveAddress is { } address) await StartMetricsEndpointAsync(address, directory, cancellationToken);
            foreach (var component in graph.StartOrder)
            {
                _logger.LogDebug("Starting {Component}", component.Label);
                try
                {
                    await component.Component.StartAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new ServiceStartException($"cannot start {component.Label}: {e.Message}", e);
                }
                _started.Add(component);
            }
        }
        catch
        {
            await ShutdownAsync();
            throw;
        }

        foreach (var summary in graph.PipelineSummaries) _logger.LogInformation("Pipeline {Pipeline}", summary);
        Status.MarkReady();
        _logger.LogInformation("Everything is ready. Begin running and processing data (started in {Elapsed})", Cli.Query.HumanText.Duration(clock.Elapsed.Ticks * 100));
    }

    /// <summary>The service's own metrics listener, secured like every other: TLS and the authenticator of <c>service.telemetry.metrics</c>.</summary>
    private async Task StartMetricsEndpointAsync(string address, ComponentDirectory directory, CancellationToken cancellationToken)
    {
        var settings = _config.Telemetry.Metrics;
        IServerAuthenticator? authenticator;
        try
        {
            // The authenticator extensions were built with the graph (their StartAsync does nothing), so they answer now.
            authenticator = AuthenticationConfig.Resolve(settings.Auth, directory);
        }
        catch (InvalidOperationException e)
        {
            throw new ServiceStartException($"cannot start the metrics endpoint (service.telemetry.metrics): {e.Message}", e);
        }
        var tls = ServerTls.Create(settings.Tls, _logger);
        ExposureWarning.Check(_logger, "Service metrics", address, tls is not null, authenticator is not null);
        _metricsServer = await MetricsEndpoint.StartAsync(address, tls, authenticator, Metrics, cancellationToken);
        _logger.LogInformation("Serving the service metrics at {Urls}", string.Join(", ", _metricsServer.Urls.Select(u => u + "/metrics")));
    }

    /// <summary>
    /// Stops in reverse start order: receivers first (no new data), then processors flush downstream, exporters
    /// drain their queues, extensions stop. The whole shutdown is bounded by the shutdown timeout; a component
    /// that overruns is logged and left behind so that the others still get their turn. Idempotent.
    /// </summary>
    public async Task ShutdownAsync()
    {
        if (Interlocked.Exchange(ref _shutdownStarted, 1) == 1) return;
        Status.MarkStopping();
        _logger.LogInformation("Shutting down (timeout {Timeout})", GoDuration.Format(_shutdownTimeout));

        var deadline = Stopwatch.StartNew();
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            var component = _started[i];
            var remaining = _shutdownTimeout - deadline.Elapsed;
            using var timeout = new CancellationTokenSource(remaining > MinimumGrace ? remaining : MinimumGrace);
            try
            {
                await component.Component.ShutdownAsync(timeout.Token).WaitAsync(timeout.Token);
                _logger.LogDebug("Stopped {Component}", component.Label);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                _logger.LogWarning("{Component} did not finish shutting down within the shutdown timeout; continuing", component.Label);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "{Component} failed while shutting down", component.Label);
            }
        }
        _started.Clear();
        if (_metricsServer is not null) await _metricsServer.DisposeAsync();
        _logger.LogInformation("Shutdown complete");
    }

    /// <summary>Starts, runs until <paramref name="stop"/> is cancelled (SIGTERM, Ctrl+C), then shuts down.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await StartAsync(stop);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        await ShutdownAsync();
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync();
}
