using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Storage.Scan;

namespace Kubetrace.Tests.Storage.Rollups;

/// <summary>A rolled-up scan taken apart: the traces its rollups counted and those its visitor got, merged.</summary>
internal sealed record RolledUpScan(SortedDictionary<string, string> Traces, int Payloads, IReadOnlySet<string> VisitedTraces)
{
    /// <summary>How many traces the visitor got (those no merged rollup counted).</summary>
    public int Visited => VisitedTraces.Count;

    public static async Task<RolledUpScan> TakeAsync(ITraceStore store, SpanScanRequest request, SnapshotRollup rollup)
    {
        var traces = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var payloads = 0;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        void Add(string traceId, string spans)
        {
            Assert.False(traces.ContainsKey(traceId), $"trace {traceId} counted twice");
            traces[traceId] = spans;
        }
        await store.ScanRolledUpAsync(request, rollup,
            trace =>
            {
                visited.Add(trace.TraceId.ToString());
                Add(trace.TraceId.ToString(), SnapshotRollup.Describe(trace));
            },
            payload =>
            {
                payloads++;
                foreach (var (traceId, spans) in SnapshotRollup.Read(payload)) Add(traceId, spans);
            }, CancellationToken.None);
        return new RolledUpScan(traces, payloads, visited);
    }

    /// <summary>The rolled-up scan counts exactly the traces a full scan delivers, each once and whole.</summary>
    public static async Task<RolledUpScan> AssertSameAsFullScanAsync(ITraceStore store, TimeRange range, SnapshotRollup rollup)
    {
        var request = new SpanScanRequest(range, rollup.AttributeKeys);
        var expected = await ScanSnapshot.TakeAsync(store, request);
        var actual = await TakeAsync(store, request, rollup);
        Assert.Equal(Text(expected), Text(actual.Traces));
        return actual;
    }

    private static string Text(SortedDictionary<string, string> traces) => string.Join("\n\n", traces.Select(t => t.Key + "\n" + t.Value));
}
