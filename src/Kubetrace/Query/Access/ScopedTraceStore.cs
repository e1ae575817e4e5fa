using Kubetrace.Kubernetes.Access;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.Model;
using Kubetrace.Storage.Query;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Query.Access;

/// <summary>
/// A read view of a store for one reader: spans outside its <see cref="ReadGrant"/> are dropped here, before any
/// engine, analysis, listing or count sees them, so every API answers from the same scoped data. A trace keeps
/// the reader's spans only, each of its resources marked with how many were removed (<see cref="HiddenSpansKey"/>);
/// a trace with none of them does not exist for the reader. Indexes and rollups cover every namespace, so listings
/// (services, operations, tag names and values) and dependency edges are computed from scoped scans — listings kept
/// per grant in the store's <see cref="ScopedListingCache"/>, so a scan runs once per grant while the store is
/// unchanged and at most once per refresh while it changes —, rolled-up analyses read raw spans, and store
/// statistics are refused (<see cref="AccessDeniedException"/>).
/// </summary>
/// <remarks>With <see cref="ReadGrant.All"/> the view passes everything through and only counts (<see cref="ReadTally"/>).</remarks>
public sealed class ScopedTraceStore(ITraceStore inner, ReadGrant grant, ReadTally? tally = null, ScopedListingCache? listings = null)
    : ITraceStore
{
    /// <summary>Resource attribute on the spans of a trace some of whose spans the reader may not see: how many.</summary>
    public const string HiddenSpansKey = "kubetrace.hidden_spans";

    private readonly ReadTally _tally = tally ?? new ReadTally();
    // Without the store's cache, one for this view: the listings of one request still share their scans.
    private readonly ScopedListingCache _listings = listings ?? new ScopedListingCache();
    // Concurrent: a listing's scan runs on its own task (and may outlive the request that started it).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _allowed = new(StringComparer.Ordinal);

    public ReadGrant Grant => grant;

    public long? Generation => inner.Generation;

    public ValueTask AppendAsync(TraceBatch batch, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a scoped view of a store only reads");

    public async ValueTask<IReadOnlyList<ResourceSpans>?> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken)
    {
        var trace = await inner.GetTraceAsync(traceId, cancellationToken).ConfigureAwait(false);
        if (trace is not null && !grant.All) trace = Visible(trace);
        if (trace is not null) _tally.Add(1);
        return trace;
    }

    public async ValueTask<IReadOnlyList<TraceMatch>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        if (grant.All) return _tally.Counted(await inner.FetchAsync(request, cancellationToken).ConfigureAwait(false));
        // Foreign traces drop out of the answer, so ask for more until the limit is met or the store has no more.
        var ask = Math.Max(1, request.Limit);
        while (true)
        {
            var matches = await inner.FetchAsync(request with { Limit = ask }, cancellationToken).ConfigureAwait(false);
            var visible = new List<TraceMatch>();
            foreach (var match in matches)
            {
                if (visible.Count >= request.Limit) break;
                if (await VisibleMatchAsync(match, cancellationToken).ConfigureAwait(false) is { } kept) visible.Add(kept);
            }
            if (visible.Count >= request.Limit || matches.Count < ask || ask >= QueryEngine.MaxCandidates) return _tally.Counted(visible);
            ask = Math.Min(QueryEngine.MaxCandidates, ask * 4);
        }
    }

    public async ValueTask<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken)
    {
        if (grant.All) return _tally.Counted(await inner.GetServicesAsync(cancellationToken).ConfigureAwait(false));
        return _tally.Counted((await NamesAsync(cancellationToken).ConfigureAwait(false)).Services);
    }

    public async ValueTask<IReadOnlyList<Operation>> GetOperationsAsync(string service, CancellationToken cancellationToken)
    {
        if (grant.All) return _tally.Counted(await inner.GetOperationsAsync(service, cancellationToken).ConfigureAwait(false));
        return _tally.Counted((await NamesAsync(cancellationToken).ConfigureAwait(false)).Operations.GetValueOrDefault(service) ?? []);
    }

    public async ValueTask<IReadOnlyList<string>> GetAttributeNamesAsync(AttributeScope scope, CancellationToken cancellationToken)
    {
        if (grant.All) return _tally.Counted(await inner.GetAttributeNamesAsync(scope, cancellationToken).ConfigureAwait(false));
        return _tally.Counted(await ListingAsync($"attribute names|{scope}", async token =>
        {
            var names = await inner.GetAttributeNamesAsync(scope, token).ConfigureAwait(false);
            if (names.Count == 0) return names;
            // The index spans every namespace: keep the names some visible span carries.
            var seen = new bool[names.Count];
            await ScanVisibleAsync(new SpanScanRequest(TimeRange.All, names), trace =>
            {
                foreach (var span in trace.Spans)
                    for (var i = 0; i < seen.Length; i++)
                        seen[i] |= span.Value(i) is not null;
            }, token).ConfigureAwait(false);
            return names.Where((_, i) => seen[i]).ToList();
        }, cancellationToken).ConfigureAwait(false));
    }

    public async ValueTask<IReadOnlyList<string>> GetAttributeValuesAsync(AttributeScope scope, string key, int limit,
        CancellationToken cancellationToken)
    {
        if (grant.All) return _tally.Counted(await inner.GetAttributeValuesAsync(scope, key, limit, cancellationToken).ConfigureAwait(false));
        return _tally.Counted(await ListingAsync($"attribute values|{scope}|{limit}|{key}", async token =>
        {
            var values = new SortedSet<string>(StringComparer.Ordinal);
            await ScanVisibleAsync(new SpanScanRequest(TimeRange.All, [key]), trace =>
            {
                foreach (var span in trace.Spans)
                    if (values.Count < limit && span.Value(0) is { } value) values.Add(value);
            }, token).ConfigureAwait(false);
            return (IReadOnlyList<string>)values.ToList();
        }, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The services and each service's operations of the reader's spans: one scan serves both listings.</summary>
    private ValueTask<ScopedNames> NamesAsync(CancellationToken cancellationToken) => ListingAsync("services", async token =>
    {
        var services = new SortedSet<string>(StringComparer.Ordinal);
        var operations = new Dictionary<string, SortedSet<(string Name, int Kind)>>(StringComparer.Ordinal);
        await ScanVisibleAsync(new SpanScanRequest(TimeRange.All, []), trace =>
        {
            foreach (var span in trace.Spans)
            {
                if (services.Add(span.Service)) operations[span.Service] = [];
                operations[span.Service].Add((span.Name, (int)span.Kind));
            }
        }, token).ConfigureAwait(false);
        return new ScopedNames([.. services], operations.ToDictionary(o => o.Key,
            o => (IReadOnlyList<Operation>)o.Value.Select(op => new Operation(op.Name, ConditionMatcher.KindName(op.Kind))).ToList(), StringComparer.Ordinal));
    }, cancellationToken);

    /// <summary>A listing through the reader's grant, from the store's cache when it still holds (<see cref="ScopedListingCache"/>).</summary>
    private ValueTask<T> ListingAsync<T>(string listing, Func<CancellationToken, Task<T>> compute, CancellationToken cancellationToken) where T : class =>
        _listings.GetAsync($"{grant.Key}|{listing}", inner.Generation, compute, cancellationToken);

    private sealed record ScopedNames(IReadOnlyList<string> Services, IReadOnlyDictionary<string, IReadOnlyList<Operation>> Operations);

    public async ValueTask<IReadOnlyList<DependencyEdge>> GetDependenciesAsync(TimeRange range, CancellationToken cancellationToken)
    {
        if (grant.All) return _tally.Counted(await inner.GetDependenciesAsync(range, cancellationToken).ConfigureAwait(false));
        // As the store counts them (a child span starting in the range, under a parent of another service), over visible spans only.
        var edges = new SortedDictionary<(string Parent, string Child), (long Calls, long Errors)>();
        var serviceOf = new Dictionary<ulong, string>();
        await ScanAsync(new SpanScanRequest(range, []), trace =>
        {
            serviceOf.Clear();
            foreach (var span in trace.Spans) serviceOf.TryAdd(span.SpanId, span.Service);
            foreach (var span in trace.Spans)
            {
                if (span.ParentSpanId == 0 || !range.Contains(span.StartUnixNano) || !serviceOf.TryGetValue(span.ParentSpanId, out var parent)
                    || parent == span.Service) continue;
                var (calls, errors) = edges.GetValueOrDefault((parent, span.Service));
                edges[(parent, span.Service)] = (calls + 1, errors + (span.IsError ? 1 : 0));
            }
        }, cancellationToken).ConfigureAwait(false);
        return _tally.Counted(edges.Select(e => new DependencyEdge(e.Key.Parent, e.Key.Child, e.Value.Calls, e.Value.Errors)).ToList());
    }

    public async ValueTask ScanAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken)
    {
        if (grant.All)
        {
            await inner.ScanAsync(request, trace =>
            {
                _tally.Add(1);
                visitor(trace);
            }, cancellationToken).ConfigureAwait(false);
            return;
        }
        await ScanVisibleAsync(request, trace =>
        {
            _tally.Add(1);
            visitor(trace);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every trace with a span of the reader's, reduced to the reader's spans (not counted: listings count their names).</summary>
    private async ValueTask ScanVisibleAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken)
    {
        // The deciding keys go after the caller's, so the caller's values keep their positions.
        string[] keys = [.. request.AttributeKeys, .. SpanNamespace.RawKeys.Except(request.AttributeKeys)];
        var visible = new ScannedTrace();
        var namespaces = new TraceNamespaces();
        await inner.ScanAsync(request with { AttributeKeys = keys }, trace =>
        {
            namespaces.Clear();
            foreach (var span in trace.Spans) namespaces.Add(span.SpanId, span.ParentSpanId, SpanNamespace.Of(new ScannedRaw(span, keys)));
            namespaces.Decide();
            visible.Spans.Clear();
            for (var i = 0; i < trace.Spans.Count; i++)
                if (Allows(namespaces.NamespaceOf(i))) visible.Spans.Add(trace.Spans[i]);
            if (visible.Spans.Count == 0) return;
            visible.TraceId = trace.TraceId;
            visitor(visible);
        }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask ScanRolledUpAsync(SpanScanRequest request, IRollup rollup, Action<ScannedTrace> visitor,
        Action<ReadOnlyMemory<byte>> rolledUp, CancellationToken cancellationToken) =>
        // A rollup aggregates every namespace's spans: a scoped reader's analysis reads its own raw spans instead.
        grant.All ? inner.ScanRolledUpAsync(request, rollup, visitor, rolledUp, cancellationToken) : ScanAsync(request, visitor, cancellationToken);

    public ValueTask<IReadOnlyList<LinkingTrace>> FindLinkingTracesAsync(IReadOnlyCollection<TraceId> targets, TimeRange range, int limit,
        CancellationToken cancellationToken) =>
        grant.All ? inner.FindLinkingTracesAsync(targets, range, limit, cancellationToken) : LinkScan.FindAsync(this, targets, range, limit, cancellationToken);

    public StoreStats GetStats() => grant.All ? inner.GetStats()
        : throw new AccessDeniedException($"store statistics count the spans of every namespace; they need a reader granted all (this reader: {grant})");

    public ValueTask EnforceRetentionAsync(CancellationToken cancellationToken) => inner.EnforceRetentionAsync(cancellationToken);

    /// <summary>The view does not own the store.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private bool Allows(string ns)
    {
        if (!_allowed.TryGetValue(ns, out var allowed)) _allowed[ns] = allowed = grant.Allows(ns);
        return allowed;
    }

    /// <summary>The reader's spans of a trace, each resource marked with how many were removed; null when none is the reader's.</summary>
    private IReadOnlyList<ResourceSpans>? Visible(IReadOnlyList<ResourceSpans> trace)
    {
        var namespaces = new TraceNamespaces();
        var total = 0;
        foreach (var view in SpanView.All(trace))
        {
            namespaces.Add(SpanIds.FromByteString(view.Span.SpanId), SpanIds.FromByteString(view.Span.ParentSpanId),
                SpanNamespace.Of(new SpanViewAttributes(view)));
            total++;
        }
        namespaces.Decide();
        var kept = new List<ResourceSpans>();
        var index = 0;
        foreach (var resource in trace)
        {
            var copy = new ResourceSpans { Resource = resource.Resource, SchemaUrl = resource.SchemaUrl };
            foreach (var scope in resource.ScopeSpans)
            {
                var scopeCopy = new ScopeSpans { Scope = scope.Scope, SchemaUrl = scope.SchemaUrl };
                foreach (var span in scope.Spans)
                    if (Allows(namespaces.NamespaceOf(index++))) scopeCopy.Spans.Add(span);
                if (scopeCopy.Spans.Count > 0) copy.ScopeSpans.Add(scopeCopy);
            }
            if (copy.ScopeSpans.Count > 0) kept.Add(copy);
        }
        var shown = kept.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count));
        if (shown == 0) return null;
        if (shown < total)
            foreach (var resource in kept)
            {
                resource.Resource = resource.Resource?.Clone() ?? new Resource();
                resource.Resource.Attributes.Add(new KeyValue { Key = HiddenSpansKey, Value = new AnyValue { IntValue = total - shown } });
            }
        return kept;
    }

    /// <summary>A fetched trace as the reader sees it: its summary over visible spans, its visible matching spans; null when nothing is left.</summary>
    private async ValueTask<TraceMatch?> VisibleMatchAsync(TraceMatch match, CancellationToken cancellationToken)
    {
        var stored = await inner.GetTraceAsync(match.Summary.TraceId, cancellationToken).ConfigureAwait(false);
        if (stored is null || Visible(stored) is not { } trace) return null;
        var summary = new SummaryBuilder(match.Summary.TraceId);
        var ids = new HashSet<ulong>();
        foreach (var view in SpanView.All(trace))
        {
            var span = view.Span;
            ids.Add(SpanIds.FromByteString(span.SpanId));
            summary.AddPart(span.StartTimeUnixNano, Math.Max(span.StartTimeUnixNano, span.EndTimeUnixNano), 1,
                span.Status?.Code == Status.Types.StatusCode.Error ? 1 : 0, [view.ServiceName]);
            if (span.ParentSpanId.IsEmpty) summary.SetRoot(view.ServiceName, span.Name);
            else summary.NoteEarliest(span.StartTimeUnixNano, view.ServiceName, span.Name);
        }
        var spans = match.Spans.Where(s => ids.Contains(s.SpanId)).ToList();
        if (match.Spans.Count > 0 && spans.Count == 0) return null;
        return new TraceMatch(summary.Build(), spans);
    }

    /// <summary>A scanned span's raw attributes, by the scan's keys.</summary>
    private readonly struct ScannedRaw(ScannedSpan span, string[] keys) : IRawAttributes
    {
        public string? Get(string rawKey)
        {
            var i = Array.IndexOf(keys, rawKey);
            return i < 0 ? null : span.Value(i);
        }
    }
}
