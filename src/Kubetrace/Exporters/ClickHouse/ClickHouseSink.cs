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
/// </summary>
internal sealed class ClickHouseSink : IExportSink, ITraceStoreSource
{
    private readonly ComponentSettings _settings;
    private readonly ClickHouseExporterConfig _config;
    private readonly ILogger _logger;
    private ClickHouseTraceStore? _store;

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

    public ITraceStore? Store => Volatile.Read(ref _store);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Its tables have no tenant column: refusing to start beats serving one tenant's spans to another.
        if (_settings.MultitenancyEnabled)
            throw new InvalidOperationException($"exporter {_settings.Id}: multitenancy_enabled is not supported by the clickhouse exporter yet " +
                "(its tables keep no tenant); use one kubetrace exporter, whose stores are kept apart per tenant, or one Kubetrace per tenant");
        var options = _config.ToOptions();
        var store = ClickHouseTraceStore.Open(options, _settings.LoggerFactory);
        try
        {
            await store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ClickHouseException e) when (e.Transient)
        {
            // Not fatal: exports fail retryably (or wait in the persistent queue) until the server is back, and the
            // schema is created then.
            _logger.LogWarning("ClickHouse at {Endpoint} is not reachable yet ({Reason}); retrying at each export", options.Endpoint, e.Message);
        }
        catch (ClickHouseException e)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot open the ClickHouse trace store at {options.Endpoint} (database {options.Database}): {e.Message}", e);
        }
        _store = store;
        _logger.LogInformation("Trace store in ClickHouse at {Endpoint}, database {Database}{Cluster}, ttl {Ttl}",
            options.Endpoint, options.Database, options.Cluster.Length > 0 ? $", cluster {options.Cluster}" : "",
            options.Retention == TimeSpan.Zero ? "none" : Config.GoDuration.Format(options.Retention));
    }

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        var store = Store ?? throw ConsumerException.Unavailable("the ClickHouse trace store is not open");
        await store.AppendAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        var store = Interlocked.Exchange(ref _store, null);
        if (store is not null) await store.DisposeAsync().ConfigureAwait(false);
    }
}
