using Kubetrace.Storage.Query;

namespace Kubetrace.Storage.Scan;

/// <summary>
/// The reverse link lookup for any <see cref="ITraceStore"/>: a scan of the range reading every span's links.
/// Correct everywhere and slow; the embedded store answers from its link indexes instead (tests compare the two).
/// </summary>
public static class LinkScan
{
    public static async ValueTask<IReadOnlyList<LinkingTrace>> FindAsync(ITraceStore store, IReadOnlyCollection<TraceId> targets,
        TimeRange range, int limit, CancellationToken cancellationToken)
    {
        if (targets.Count == 0 || limit <= 0) return [];
        var wanted = targets.ToHashSet();
        var found = new List<LinkingTrace>();
        await store.ScanAsync(new SpanScanRequest(range, []), trace =>
        {
            foreach (var span in trace.Spans)
            {
                if (span.Links.Count == 0 || !range.Contains(span.StartUnixNano)) continue;
                foreach (var link in span.Links)
                    if (wanted.Contains(link.TraceId)) found.Add(new LinkingTrace(trace.TraceId, link.TraceId, span.StartUnixNano));
            }
        }, cancellationToken).ConfigureAwait(false);
        return LinkLookup.Merge(found, limit);
    }
}
