namespace Kubetrace.Storage.Blocks;

/// <summary>
/// What an open block keeps in memory for its whole life: enough to pass over it without its footer — the segments
/// and time it covers, its counts, which trace IDs it may hold, and a sketch of them that stats count distinct
/// traces with. The footer (dictionaries, trace table, postings:
/// tens of bytes per stored span) is read again when a query needs it, through the <see cref="FooterCache"/>, so that
/// a store's memory does not grow with the data it holds on disk.
/// </summary>
internal sealed record BlockSummary(long FirstSegment, long LastSegment, int SpanCount, int TraceCount, ulong MinStart, ulong MaxEnd,
    int RowGroups, TraceIdFilter TraceIds, TraceCountSketch TraceCounts)
{
    public static BlockSummary Of(BlockFooter footer) => new(footer.FirstSegment, footer.LastSegment, footer.SpanCount,
        footer.Traces.Count, footer.MinStart, footer.MaxEnd, footer.RowGroupCount, TraceIdFilter.Of(footer.Traces.Ids),
        TraceCountSketch.Of(footer.Traces.Ids));
}
