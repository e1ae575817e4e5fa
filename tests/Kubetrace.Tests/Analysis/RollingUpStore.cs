using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Tests.Analysis;

/// <summary>
/// A store that answers <see cref="ITraceStore.ScanRolledUpAsync"/> as the contract says, over a real store: its
/// traces are dealt in turn into <paramref name="rolledUpParts"/> rollups and, unless <paramref name="livePart"/> is
/// false, one live part. A rollup is fed every
/// trace of its part (no service filter, as storage builds them per block), but only traces that lie wholly in the
/// range; the live part, and any trace that sticks out of the range, goes to the visitor as a plain scan would.
/// </summary>
internal sealed class RollingUpStore(ITraceStore inner, int rolledUpParts, bool livePart = true) : ITraceStore
{
    /// <summary>How many traces the last scan handed over as rollups, and how many rollups (byte arrays).</summary>
    public (int Traces, int Rollups) LastRolledUp { get; private set; }

    public async ValueTask ScanRolledUpAsync(SpanScanRequest request, IRollup rollup, Action<ScannedTrace> visitor,
        Action<ReadOnlyMemory<byte>> rolledUp, CancellationToken cancellationToken)
    {
        Assert.Equal(rollup.AttributeKeys, request.AttributeKeys);
        var accumulators = Enumerable.Range(0, rolledUpParts).Select(_ => rollup.CreateAccumulator()).ToList();
        int next = 0, rolled = 0;
        await inner.ScanAsync(request with { Services = null }, trace =>
        {
            var part = next++ % (rolledUpParts + (livePart ? 1 : 0));
            if (part < rolledUpParts && trace.Spans.TrueForAll(s => request.Range.Contains(s.StartUnixNano)))
            {
                accumulators[part].Add(trace);
                rolled++;
            }
            else if (request.Services is null || trace.Spans.Exists(s => request.Services.Contains(s.Service))) visitor(trace);
        }, cancellationToken);
        foreach (var accumulator in accumulators) rolledUp(accumulator.ToBytes());
        LastRolledUp = (rolled, accumulators.Count);
    }

    public ValueTask ScanAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken) =>
        inner.ScanAsync(request, visitor, cancellationToken);

    public ValueTask AppendAsync(TraceBatch batch, CancellationToken cancellationToken) => inner.AppendAsync(batch, cancellationToken);

    public ValueTask<IReadOnlyList<ResourceSpans>?> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken) =>
        inner.GetTraceAsync(traceId, cancellationToken);

    public ValueTask<IReadOnlyList<TraceMatch>> FetchAsync(FetchRequest request, CancellationToken cancellationToken) =>
        inner.FetchAsync(request, cancellationToken);

    public ValueTask<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) => inner.GetServicesAsync(cancellationToken);

    public ValueTask<IReadOnlyList<Operation>> GetOperationsAsync(string service, CancellationToken cancellationToken) =>
        inner.GetOperationsAsync(service, cancellationToken);

    public ValueTask<IReadOnlyList<string>> GetAttributeNamesAsync(AttributeScope scope, CancellationToken cancellationToken) =>
        inner.GetAttributeNamesAsync(scope, cancellationToken);

    public ValueTask<IReadOnlyList<string>> GetAttributeValuesAsync(AttributeScope scope, string key, int limit,
        CancellationToken cancellationToken) => inner.GetAttributeValuesAsync(scope, key, limit, cancellationToken);

    public ValueTask<IReadOnlyList<DependencyEdge>> GetDependenciesAsync(TimeRange range, CancellationToken cancellationToken) =>
        inner.GetDependenciesAsync(range, cancellationToken);

    public StoreStats GetStats() => inner.GetStats();

    public ValueTask EnforceRetentionAsync(CancellationToken cancellationToken) => inner.EnforceRetentionAsync(cancellationToken);

    /// <summary>The inner store is the caller's.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
