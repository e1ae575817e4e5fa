using System.Collections.Concurrent;
using Kubetrace.Pipeline;
using Kubetrace.Storage.ClickHouse;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.ClickHouse;

/// <summary>
/// The stores of the <c>clickhouse</c> exporter, one per tenant, as the <c>kubetrace</c> exporter keeps one folder per
/// tenant: each tenant's spans in a database of its own (<see cref="TenantDatabases"/>), created and migrated by its
/// first write (the same versioned migrations as the configured database, <c>ON CLUSTER</c> or on each shard alike),
/// with its own retention (<c>overrides</c>). A query reads only its tenant's database; a tenant that never wrote
/// has none and reads nothing. Tenants whose databases exist on the server (written before a restart, or through
/// another instance) are found by <see cref="OpenStoredAsync"/>, so that they are readable and their retention runs.
/// </summary>
/// <param name="discardedSpans">Each tenant's counter of spans <c>max_bytes_per_trace</c> refused (null: not counted).</param>
internal sealed class ClickHouseTenantStores(ClickHouseExporterConfig config, ILoggerFactory loggerFactory,
    Func<string, global::Kubetrace.Telemetry.Counter>? discardedSpans = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ClickHouseTraceStore> _open = new(StringComparer.Ordinal);
    private readonly Lock _opening = new();

    public IEnumerable<string> Tenants => _open.Keys;

    /// <summary>The tenant's store, opened on first use; its database is created at its first write (<see cref="ClickHouseTraceStore.AppendAsync"/>).</summary>
    public ClickHouseTraceStore ForWrite(string tenant)
    {
        if (_open.TryGetValue(tenant, out var open)) return open;
        lock (_opening)
        {
            if (_open.TryGetValue(tenant, out open)) return open;
            open = ClickHouseTraceStore.Open(config.ToOptions(tenant) with { DiscardedSpans = discardedSpans?.Invoke(tenant) }, loggerFactory);
            _open[tenant] = open;
            return open;
        }
    }

    /// <summary>The tenant's store if it has a database (it wrote, through this instance or another one), else null.</summary>
    public ClickHouseTraceStore? ForRead(string tenant) => _open.GetValueOrDefault(tenant);

    /// <summary>
    /// Opens the store of every tenant with a database on the server (and migrates it, as the configured database is
    /// at start): what one instance finds of the tenants others wrote. Returns the tenants found.
    /// </summary>
    public async Task<IReadOnlyList<string>> OpenStoredAsync(CancellationToken cancellationToken)
    {
        var found = await TenantDatabases.StoredAsync(config.ToOptions(), cancellationToken).ConfigureAwait(false);
        foreach (var tenant in found.Where(t => !_open.ContainsKey(t)))
            await ForWrite(tenant).EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>Runs every open store's retention (the tenant's <c>block_retention</c> override, else <c>ttl</c>).</summary>
    public async Task EnforceRetentionAsync(CancellationToken cancellationToken)
    {
        foreach (var store in _open.Values) await store.EnforceRetentionAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var tenant in _open.Keys.ToList())
            if (_open.TryRemove(tenant, out var store)) await store.DisposeAsync().ConfigureAwait(false);
    }
}
