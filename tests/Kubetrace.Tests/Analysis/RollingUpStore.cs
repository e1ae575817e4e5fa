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
internal sealed class RollingUpStore(ITraceStore inner, int rolledUpParts, bool livePart = true) : DelegatingTraceStore(inner), ITraceStore
{
    /// <summary>How many traces the last scan handed over as rollups, and how many rollups (byte arrays).</summary>
    public (int Traces, int Rollups) LastRolledUp { get; private set; }

    public async ValueTask ScanRolledUpAsync(SpanScanRequest request, IRollup rollup, Action<ScannedTrace> visitor,
        Action<ReadOnlyMemory<byte>> rolledUp, CancellationToken cancellationToken)
    {
        Assert.Equal(rollup.AttributeKeys, request.AttributeKeys);
        var accumulators = Enumerable.Range(0, rolledUpParts).Select(_ => rollup.CreateAccumulator()).ToList();
        int next = 0, rolled = 0;
        await Inner.ScanAsync(request with { Services = null }, trace =>
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
}
