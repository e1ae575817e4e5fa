using Kubetrace.Analysis.SpanMetrics;
using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Exporters.Helper;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>
/// Writes batches into the embedded store of their tenant (<see cref="TenantStores"/>) and completes only once they
/// are durable. There is deliberately no sending queue in front (an OTLP Export must succeed only when its spans
/// survive a crash); the store's WAL batches concurrent appends into one fsync (group commit), which is the batching
/// that matters here.
/// </summary>
internal sealed class StoreSink : IExportSink, ITraceStoreSource, ISpanMetricsSource
{
    private readonly ComponentSettings _settings;
    private readonly KubetraceExporterConfig _config;
    private readonly ILogger _logger;
    private TenantStores? _stores;
    private IDisposable? _onPressure;

    public StoreSink(ComponentSettings settings, KubetraceExporterConfig config)
    {
        _settings = settings;
        _config = config;
        _logger = settings.CreateLogger();
        settings.Directory.Publish(ComponentKind.Exporter, settings.Id, this);
    }

    public ITraceStore? Store => StoreOf(Tenants.SingleTenant);

    public ITraceStore? StoreOf(string tenant) =>
        Volatile.Read(ref _stores) is { } stores ? stores.ForRead(tenant)?.Store ?? (ITraceStore)EmptyTraceStore.Instance : null;

    public SpanMetricsRecorder? SpanMetricsOf(string tenant) => Volatile.Read(ref _stores)?.ForRead(tenant)?.SpanMetrics;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var path = _config.ResolvedPath();
        var stores = new TenantStores(_config, _settings.LoggerFactory, _settings.MemoryPressure, DiscardedSpans);
        try
        {
            stores.OpenExisting(_settings.MultitenancyEnabled);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stores.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new IOException($"cannot open the trace store in {path}: {e.Message}", e);
        }
        _stores = stores;
        // Under memory pressure the heads are written as blocks, so their spans leave memory, and the blocks drop their
        // query caches (the limiter then collects).
        _onPressure = _settings.MemoryPressure.OnPressure(stores.ReleaseMemoryAsync);
        _logger.LogInformation("Trace store in {Path} (retention {Retention}, max disk size {MaxDisk}, max bytes per trace {MaxTraceBytes}, head cut at {MaxHeadSpans} spans or {MaxHeadAge}, {Rollups} rollups per block (analyses, TraceQL metrics) after {RollupSettle})",
            path, _config.Retention == TimeSpan.Zero ? "none" : GoDuration.Format(_config.Retention),
            _config.MaxDiskSize.Length == 0 ? "unlimited" : _config.MaxDiskSize,
            ByteSize.TryParse(_config.MaxBytesPerTrace, out var traceBytes) && traceBytes > 0 ? _config.MaxBytesPerTrace : "unlimited",
            _config.MaxHeadSpans, GoDuration.Format(_config.MaxHeadAge),
            _config.Rollups ? KubetraceExporterConfig.StoreRollups().Count : 0, GoDuration.Format(_config.RollupSettle));
        if (_settings.MultitenancyEnabled)
            _logger.LogInformation("Multitenancy on: each tenant's store in {Folder}/ID ({Count} found), {Overrides} with overrides",
                Path.Combine(path, KubetraceExporterConfig.TenantsFolder), stores.Tenants.Count() - 1, _config.Overrides.Count);
        else if (_config.Overrides.Count > 0)
            _logger.LogWarning("overrides name tenants but multitenancy_enabled is off: every span is the single tenant's");
        return Task.CompletedTask;
    }

    private Telemetry.Counter DiscardedSpans(string tenant) => TraceSizeGate.DiscardedSpans(_settings.Metrics, _settings.Id.ToString(), tenant);

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        var stores = Volatile.Read(ref _stores) ?? throw ConsumerException.Unavailable("the trace store is not open");
        // The receiver refuses an export without a tenant; a batch that lost it on the way (a processor that drops
        // metadata) is refused rather than stored as someone else's.
        var tenant = !_settings.MultitenancyEnabled ? Tenants.SingleTenant
            : Tenants.Of(batch) ?? throw ConsumerException.Permanent($"{Tenants.NoOrgId}: the batch carries no tenant ({Tenants.MetadataKey})");
        try
        {
            await stores.ForWrite(tenant).Store.AppendAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (ConsumerException)
        {
            throw;
        }
        catch (IOException e)
        {
            // A full or failing disk: nothing was acknowledged, the client may retry later.
            throw ConsumerException.Unavailable($"the trace store cannot write: {e.Message}", inner: e);
        }
        catch (ObjectDisposedException e)
        {
            throw ConsumerException.Unavailable("the trace store is closed", inner: e);
        }
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _onPressure?.Dispose();
        var stores = Interlocked.Exchange(ref _stores, null);
        if (stores is not null) await stores.DisposeAsync().ConfigureAwait(false);
    }
}
