using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Storage;

/// <summary>
/// Several tenants' stores read as one, for Tempo's cross-tenant query federation (<c>X-Scope-OrgID: a|b</c>): each
/// read goes to every tenant's store and the answers are combined as Tempo's query frontend combines per-tenant
/// answers (modules/frontend/tenant.go, grafana/tempo@0828c29): search results merged by trace ID, most recent first,
/// cut to the limit; listings unioned; a trace's resources from every tenant that holds it, each with the resource
/// attribute <see cref="TenantKey"/> naming its tenant (Tempo's <c>injectTenantResource</c>). As in Tempo, a
/// structural TraceQL query whose sides lie in different tenants does not match: each tenant's part of a trace is
/// evaluated on its own. Read-only.
/// </summary>
public sealed class FederatedTraceStore(IReadOnlyList<(string Tenant, ITraceStore Store)> tenants) : ITraceStore
{
    /// <summary>Resource attribute naming the tenant a resource of a cross-tenant trace answer came from (Tempo's <c>tenantLabel</c>).</summary>
    public const string TenantKey = "tenant";

    public IReadOnlyList<(string Tenant, ITraceStore Store)> Tenants => tenants;

    public ValueTask AppendAsync(TraceBatch batch, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a cross-tenant view only reads; a write names one tenant");

    public async ValueTask<IReadOnlyList<ResourceSpans>?> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken)
    {
        List<ResourceSpans>? found = null;
        foreach (var (tenant, store) in tenants)
        {
            if (await store.GetTraceAsync(traceId, cancellationToken).ConfigureAwait(false) is not { } part) continue;
            found ??= [];
            found.AddRange(part.Select(resource => WithTenant(resource, tenant)));
        }
        return found;
    }

    /// <summary>The resource marked with its tenant; the spans are shared (the store's answer is not changed).</summary>
    private static ResourceSpans WithTenant(ResourceSpans resource, string tenant)
    {
        var marked = new ResourceSpans { Resource = resource.Resource?.Clone() ?? new Resource(), SchemaUrl = resource.SchemaUrl };
        marked.Resource.Attributes.Add(new KeyValue { Key = TenantKey, Value = new AnyValue { StringValue = tenant } });
        marked.ScopeSpans.Add(resource.ScopeSpans);
        return marked;
    }

    public async ValueTask<IReadOnlyList<TraceMatch>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        var byTrace = new Dictionary<TraceId, TraceMatch>();
        foreach (var (_, store) in tenants)
        foreach (var match in await store.FetchAsync(request, cancellationToken).ConfigureAwait(false))
            byTrace[match.Summary.TraceId] = byTrace.TryGetValue(match.Summary.TraceId, out var other) ? Merge(other, match) : match;
        return byTrace.Values.OrderByDescending(m => m.Summary.StartUnixNano).Take(request.Limit).ToList();
    }

    /// <summary>One trace's matches from two tenants: its extent, counts and services over both, the root from the one that holds it.</summary>
    private static TraceMatch Merge(TraceMatch a, TraceMatch b)
    {
        var (x, y) = (a.Summary, b.Summary);
        var start = Math.Min(x.StartUnixNano, y.StartUnixNano);
        var end = Math.Max(x.StartUnixNano + x.DurationNano, y.StartUnixNano + y.DurationNano);
        var root = x.HasRoot || !y.HasRoot ? x : y;
        var summary = root with
        {
            StartUnixNano = start, DurationNano = end - start, SpanCount = x.SpanCount + y.SpanCount, ErrorCount = x.ErrorCount + y.ErrorCount,
            Services = x.Services.Union(y.Services, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
        };
        return new TraceMatch(summary, [.. a.Spans, .. b.Spans]);
    }

    public ValueTask<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) =>
        UnionAsync(store => store.GetServicesAsync(cancellationToken));

    public async ValueTask<IReadOnlyList<Operation>> GetOperationsAsync(string service, CancellationToken cancellationToken)
    {
        var operations = new SortedSet<(string Name, string Kind)>();
        foreach (var (_, store) in tenants)
        foreach (var operation in await store.GetOperationsAsync(service, cancellationToken).ConfigureAwait(false))
            operations.Add((operation.Name, operation.SpanKind));
        return operations.Select(o => new Operation(o.Name, o.Kind)).ToList();
    }

    public ValueTask<IReadOnlyList<string>> GetAttributeNamesAsync(AttributeScope scope, CancellationToken cancellationToken) =>
        UnionAsync(store => store.GetAttributeNamesAsync(scope, cancellationToken));

    public async ValueTask<IReadOnlyList<string>> GetAttributeValuesAsync(AttributeScope scope, string key, int limit, CancellationToken cancellationToken) =>
        (await UnionAsync(store => store.GetAttributeValuesAsync(scope, key, limit, cancellationToken)).ConfigureAwait(false)).Take(limit).ToList();

    private async ValueTask<IReadOnlyList<string>> UnionAsync(Func<ITraceStore, ValueTask<IReadOnlyList<string>>> read)
    {
        var union = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (_, store) in tenants) union.UnionWith(await read(store).ConfigureAwait(false));
        return union.ToList();
    }

    public async ValueTask<IReadOnlyList<DependencyEdge>> GetDependenciesAsync(TimeRange range, CancellationToken cancellationToken)
    {
        var edges = new Dictionary<(string, string), DependencyEdge>();
        foreach (var (_, store) in tenants)
        foreach (var edge in await store.GetDependenciesAsync(range, cancellationToken).ConfigureAwait(false))
            edges[(edge.Parent, edge.Child)] = edges.TryGetValue((edge.Parent, edge.Child), out var seen)
                ? seen with { CallCount = seen.CallCount + edge.CallCount, ErrorCount = seen.ErrorCount + edge.ErrorCount }
                : edge;
        return edges.Values.OrderBy(e => e.Parent, StringComparer.Ordinal).ThenBy(e => e.Child, StringComparer.Ordinal).ToList();
    }

    /// <summary>Each tenant's traces in turn (sequential, as the contract wants); a trace two tenants hold is visited once per tenant.</summary>
    public async ValueTask ScanAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken)
    {
        foreach (var (_, store) in tenants) await store.ScanAsync(request, visitor, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask ScanRolledUpAsync(SpanScanRequest request, IRollup rollup, Action<ScannedTrace> visitor,
        Action<ReadOnlyMemory<byte>> rolledUp, CancellationToken cancellationToken)
    {
        foreach (var (_, store) in tenants) await store.ScanRolledUpAsync(request, rollup, visitor, rolledUp, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tenants' figures added up.</summary>
    public StoreStats GetStats() => tenants.Select(t => t.Store.GetStats()).Aggregate(new StoreStats(0, 0, 0, 0, 0, 0), (sum, s) =>
        new StoreStats(sum.Spans + s.Spans, sum.Traces + s.Traces, sum.BytesOnDisk + s.BytesOnDisk, sum.Blocks + s.Blocks, sum.HeadSpans + s.HeadSpans,
            sum.WalBytes + s.WalBytes)
        {
            BlockBytes = sum.BlockBytes + s.BlockBytes, BlockSpans = sum.BlockSpans + s.BlockSpans, RollupsBuilt = sum.RollupsBuilt + s.RollupsBuilt,
            RollupsPending = sum.RollupsPending + s.RollupsPending, RollupBytes = sum.RollupBytes + s.RollupBytes,
            DamagedRowGroups = sum.DamagedRowGroups + s.DamagedRowGroups, BlocksUnderOlderKeys = sum.BlocksUnderOlderKeys + s.BlocksUnderOlderKeys,
            WalSegmentsUnderOlderKeys = sum.WalSegmentsUnderOlderKeys + s.WalSegmentsUnderOlderKeys,
        });

    public async ValueTask EnforceRetentionAsync(CancellationToken cancellationToken)
    {
        foreach (var (_, store) in tenants) await store.EnforceRetentionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tenants' stores belong to their exporter: nothing to close here.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
