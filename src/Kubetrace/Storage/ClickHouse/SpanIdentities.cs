namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// The spans of one trace already counted, by span ID and start: the identity under which every read of the ClickHouse
/// store counts a span once (docs/storage.md, "Write semantics"). A retried write can leave a span in the spans table
/// twice — on 18.16 an INSERT that fails in a materialized view, or whose answer was lost, has written the spans table
/// already, and a plain MergeTree does not deduplicate the INSERT sent again — and the copies have the same span ID and
/// start (the retry sends the same batch). The embedded store's summaries count spans under the same identity.
/// </summary>
internal sealed class SpanIdentities
{
    private readonly HashSet<(ulong SpanId, ulong Start)> _seen = [];

    /// <summary>True the first time the trace's span is seen since <see cref="Clear"/>.</summary>
    public bool First(ulong spanId, ulong start) => _seen.Add((spanId, start));

    /// <summary>Forgets the spans seen: the next trace starts.</summary>
    public void Clear() => _seen.Clear();

    /// <summary>The rows of one trace with each span once (its first row, in the order given).</summary>
    public static List<StoredSpan> Distinct(IEnumerable<StoredSpan> trace)
    {
        var identities = new SpanIdentities();
        return trace.Where(span => identities.First(span.SpanId, span.Start)).ToList();
    }
}
