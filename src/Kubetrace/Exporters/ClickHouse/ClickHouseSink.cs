using Kubetrace.Components;
using Kubetrace.Exporters.Helper;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.ClickHouse;

/// <summary>
/// Inserts batches into ClickHouse and offers the store to the query side. The schema is created or migrated
/// at start; a server that is down then fails the start (the operator sees it at once, not at the first query).
/// Under <c>multitenancy_enabled</c> each tenant's spans go to a database of its own (<see cref="ClickHouseTenantStores"/>).
/// </summary>
internal sealed class ClickHouseSink : IExportSink, ITraceStoreSource, ITenantRule
{
    /// <summary>How often tenants written through other instances are looked for; retention runs every <see cref="RetentionEvery"/>th time.</summary>
    private static readonly TimeSpan MaintenanceInterval = TimeSpan.FromMinutes(1);
    private const int RetentionEvery = 10;

    private readonly ComponentSettings _settings;
    private readonly ClickHouseExporterConfig _config;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private ClickHouseTenantStores? _stores;
    private Task? _maintenance;

    public ClickHouseSink(ComponentSettings settings, ClickHouseExporterConfig config)
    {
        _settings = settings;
        _config = config;
        _logger = settings.CreateLogger();
        settings.Directory.Publish(ComponentKind.Exporter, settings.Id, this);
        var options = config.ToOptions();
        ClickHouseMetrics.Register(settings.Metrics, ("exporter", settings.Id.ToString()),
            options.ShardEndpoints.Count > 0 ? options.ShardEndpoints : [options.Endpoint], () => Store?.GetStats());
    }

    public ITraceStore? Store => Volatile.Read(ref _stores)?.ForRead(Tenants.SingleTenant);

    /// <summary>The tenant's store; a tenant without a database reads nothing (<see cref="EmptyTraceStore"/>), and creates none.</summary>
    public ITraceStore? StoreOf(string tenant) =>
        Volatile.Read(ref _stores) is { } stores ? stores.ForRead(tenant) ?? (ITraceStore)EmptyTraceStore.Instance : null;

    public string? Refuses(string tenant) => TenantDatabases.Refusal(_config.Database, tenant);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _config.ToOptions();
        var stores = new ClickHouseTenantStores(_config, _settings.LoggerFactory,
            tenant => TraceSizeGate.DiscardedSpans(_settings.Metrics, _settings.Id.ToString(), tenant));
        try
        {
            await stores.ForWrite(Tenants.SingleTenant).EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            if (_settings.MultitenancyEnabled) await stores.OpenStoredAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ClickHouseException e) when (e.Transient)
        {
            // Not fatal: exports fail retryably (or wait in the persistent queue) until the server is back, and the
            // schema is created then; the tenants' databases are looked for again by the maintenance loop.
            _logger.LogWarning("ClickHouse at {Endpoint} is not reachable yet ({Reason}); retrying at each export", options.Endpoint, e.Message);
        }
        catch (ClickHouseException e)
        {
            await stores.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot open the ClickHouse trace store at {options.Endpoint} (database {options.Database}): {e.Message}", e);
        }
        _stores = stores;
        _maintenance = Task.Run(() => MaintainAsync(stores, _stopping.Token));
        _logger.LogInformation("Trace store in ClickHouse at {Endpoint}, database {Database}{Cluster}, ttl {Ttl}, max bytes per trace {MaxTraceBytes} (this instance's)",
            options.Endpoint, options.Database, options.Cluster.Length > 0 ? $", cluster {options.Cluster}" : "",
            options.Retention == TimeSpan.Zero ? "none" : Config.GoDuration.Format(options.Retention),
            options.MaxBytesPerTrace > 0 ? _config.MaxBytesPerTrace : "unlimited");
        if (_settings.MultitenancyEnabled)
            _logger.LogInformation("Multitenancy on: each tenant's spans in the database {Database}{Separator}ID ({Count} found), {Overrides} with overrides",
                options.Database, TenantDatabases.Separator, stores.Tenants.Count() - 1, _config.Overrides.Count);
        else if (_config.Overrides.Count > 0)
            _logger.LogWarning("overrides name tenants but multitenancy_enabled is off: every span is the single tenant's");
    }

    /// <summary>
    /// Retention (partitions past each tenant's ttl dropped) and, under multitenancy, the tenants that other instances
    /// created since: one loop, so that the two never overlap.
    /// </summary>
    private async Task MaintainAsync(ClickHouseTenantStores stores, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(MaintenanceInterval);
        for (var tick = 0; ; tick++)
        {
            try
            {
                if (_settings.MultitenancyEnabled) await stores.OpenStoredAsync(stopping).ConfigureAwait(false);
                if (tick % RetentionEvery == 0) await stores.EnforceRetentionAsync(stopping).ConfigureAwait(false);
                if (!await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false)) return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning("ClickHouse maintenance (retention, tenants) failed, trying again in {Interval}: {Reason}",
                    Config.GoDuration.Format(MaintenanceInterval), e.Message);
                if (!await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false)) return;
            }
        }
    }

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        var stores = Volatile.Read(ref _stores) ?? throw ConsumerException.Unavailable("the ClickHouse trace store is not open");
        // As the kubetrace exporter: a batch that lost its tenant on the way is refused rather than stored as someone else's.
        var tenant = !_settings.MultitenancyEnabled ? Tenants.SingleTenant
            : Tenants.Of(batch) ?? throw ConsumerException.Permanent($"{Tenants.NoOrgId}: the batch carries no tenant ({Tenants.MetadataKey})");
        if (Refuses(tenant) is { } refusal) throw ConsumerException.Permanent(refusal);
        await stores.ForWrite(tenant).AppendAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_maintenance is { } maintenance)
        {
            try { await maintenance.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        var stores = Interlocked.Exchange(ref _stores, null);
        if (stores is not null) await stores.DisposeAsync().ConfigureAwait(false);
    }
}
