using System.Collections.Concurrent;
using Kubetrace.Analysis.SpanMetrics;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>One tenant's store and the span metrics recorded as its spans are stored.</summary>
internal sealed record TenantStore(EmbeddedTraceStore Store, SpanMetricsRecorder SpanMetrics);

/// <summary>
/// The stores of the <c>kubetrace</c> exporter, one per tenant, as Tempo keeps each tenant's blocks apart: the single
/// tenant's in the data folder, every other tenant's in <c>tenants/ID</c> with its own WAL, blocks, rollups,
/// retention (<see cref="TenantOverrides"/>) and background maintenance. Every store found on disk is opened at
/// start (so retention runs for tenants that stopped writing); a new tenant's is created by its first write, never
/// by a read (a query naming an unknown tenant reads <see cref="EmptyTraceStore"/>).
/// </summary>
/// <param name="discardedSpans">The counter of a tenant's spans refused by <c>max_bytes_per_trace</c>; null: not counted.</param>
internal sealed class TenantStores(KubetraceExporterConfig config, ILoggerFactory loggerFactory,
    Components.MemoryPressure? pressure = null, Func<string, Telemetry.Counter>? discardedSpans = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TenantStore> _open = new(StringComparer.Ordinal);
    private readonly Lock _opening = new();

    public IEnumerable<string> Tenants => _open.Keys;

    /// <summary>Opens the single tenant's store and, under multitenancy, every tenant's store found on disk.</summary>
    public void OpenExisting(bool multitenancy)
    {
        foreach (var tenant in KubetraceExporterConfig.StoredTenants(config.ResolvedPath()))
        {
            ForWrite(tenant);
            if (!multitenancy) return;
        }
    }

    /// <summary>The tenant's store, opened (and its folder created) on first use.</summary>
    public TenantStore ForWrite(string tenant)
    {
        if (_open.TryGetValue(tenant, out var open)) return open;
        lock (_opening)
        {
            if (_open.TryGetValue(tenant, out open)) return open;
            var metrics = new SpanMetricsRecorder();
            var options = config.ToStoreOptions(metrics, tenant, pressure, discardedSpans?.Invoke(tenant));
            Directory.CreateDirectory(options.Directory);
            open = new TenantStore(EmbeddedTraceStore.Open(options, loggerFactory), metrics);
            _open[tenant] = open;
            return open;
        }
    }

    /// <summary>The tenant's store if it has one (it wrote, now or before a restart).</summary>
    public TenantStore? ForRead(string tenant) => _open.GetValueOrDefault(tenant);

    /// <summary>Writes every open store's head as a block and drops the blocks' query caches (memory pressure: see
    /// <see cref="Components.MemoryPressure"/>, <see cref="EmbeddedTraceStore.ReleaseMemoryAsync"/>); true if any store held something.</summary>
    public async Task<bool> ReleaseMemoryAsync() =>
        (await Task.WhenAll(_open.Values.Select(open => open.Store.ReleaseMemoryAsync())).ConfigureAwait(false)).Contains(true);

    public async ValueTask DisposeAsync()
    {
        foreach (var tenant in _open.Keys.ToList())
            if (_open.TryRemove(tenant, out var store)) await store.Store.DisposeAsync().ConfigureAwait(false);
    }
}
