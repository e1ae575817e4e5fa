using Kubetrace.Api;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis;

/// <summary>
/// One whole trace read by ID (the store's trace lookup, not a scan) and flattened the way a scan delivers it, so
/// single-trace analyses share the span model and tree of the aggregate ones.
/// </summary>
public static class SingleTrace
{
    public static async Task<ScannedTrace> LoadAsync(ITraceStore store, TraceId id, IReadOnlyList<string> attributeKeys,
        CancellationToken cancellationToken)
    {
        var spans = await store.GetTraceAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"trace {id} not found: no span of it is stored (it may be older than the retention, or not sent yet)");
        var trace = new ScannedTrace();
        TraceObjectScan.Fill(trace, id, spans, new SpanScanRequest(TimeRange.All, attributeKeys));
        return trace;
    }
}
