using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Compaction;

/// <summary>
/// Merges blocks into one as a k-way merge by trace ID: every block's traces are sorted by ID, so the sources are
/// walked side by side, one decoded row group of each at a time, and each trace (its spans from every source, the
/// same span exported twice kept once) is read back as the OTLP it was written from into a small head that the
/// block builder writes out whenever it holds a row group's worth. A merge so holds about one row group per source
/// and one for the output, whatever the size of its blocks (before, it read them whole into one head: about half
/// a kilobyte per merged span, the memory limiter's overshoot during compactions); the dictionaries, the trace
/// table and the posting lists of the new block are kept whole, as its reader keeps them once it is open.
/// </summary>
internal static class BlockMerger
{
    /// <summary>Writes the merged block to <paramref name="path"/>.</summary>
    /// <returns>The most rows held in memory at once (decoded source row groups and the unwritten head).</returns>
    /// <param name="pressure">Pauses the merge while memory is short, and gives it up if that lasts (none: runs through).</param>
    /// <exception cref="InvalidDataException">A row group of a source cannot be read: merging would drop it for good.</exception>
    /// <exception cref="MemoryShortException">Memory stayed short (<paramref name="pressure"/>).</exception>
    public static int Merge(IReadOnlyList<BlockReader> sources, string path, int rowGroupSpans, StoreKey? sealWith,
        CancellationToken cancellationToken, MergePressure? pressure = null)
    {
        var dictionaries = new Dictionaries();
        var firstSegment = sources.Min(b => b.FirstSegment);
        var cursors = sources.Select(b => new SourceCursor(b)).ToArray();
        using var block = new BlockBuilder(path, dictionaries, rowGroupSpans, sources.Sum(b => b.TraceCount), BlockFooter.Version, sealWith);
        var window = NewWindow();
        var peakRows = 0;
        var traces = 0;
        while (Lowest(cursors) is { } traceId)
        {
            if ((++traces & 0xFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                pressure?.WaitWhileShort(cancellationToken);
            }
            var assembler = new TraceAssembler();
            foreach (var cursor in cursors)
                if (cursor.At(traceId)) cursor.MoveInto(assembler);
            window.Append(new ExportTraceServiceRequest { ResourceSpans = { assembler.Result() } }.ToByteArray());
            peakRows = Math.Max(peakRows, cursors.Sum(c => c.RowsHeld) + window.SpanCount);
            if (window.SpanCount < rowGroupSpans) continue;
            block.AddHead(window);
            window = NewWindow();
        }
        block.AddHead(window);
        // A footer section found damaged meanwhile answered as empty: what was merged from that source is not all it holds.
        if (sources.FirstOrDefault(source => !source.FooterIntact) is { } damaged)
            throw new InvalidDataException($"block {damaged.Path}: its footer is unreadable; not merging it");
        block.Finish(firstSegment, sources.Max(b => b.LastSegment));
        return peakRows;

        HeadBlock NewWindow() => new(firstSegment, rowGroupSpans + 64, DateTimeOffset.UnixEpoch, dictionaries);
    }

    private static UInt128? Lowest(SourceCursor[] cursors)
    {
        UInt128? lowest = null;
        foreach (var cursor in cursors)
            if (!cursor.Done && (lowest is null || cursor.Current < lowest)) lowest = cursor.Current;
        return lowest;
    }

    /// <summary>Walks one source's traces in ID order, holding only the decoded row group of the current one.</summary>
    private sealed class SourceCursor(BlockReader block)
    {
        private readonly BlockFooter _footer = block.Footer is var footer && footer.Traces.Count == block.TraceCount ? footer
            : throw new InvalidDataException($"block {block.Path}: its footer is unreadable; not merging it");
        private TraceTable Traces => _footer.Traces;
        private SpanTable? _table;
        private int _trace;
        private int _groupEnd;
        private int _groupFirstRow;

        public bool Done => _trace >= Traces.Count;

        public UInt128 Current => Traces.Ids[_trace];

        public bool At(UInt128 traceId) => !Done && Current == traceId;

        public int RowsHeld => _table?.Count ?? 0;

        /// <summary>Adds the current trace's spans to <paramref name="assembler"/> and moves to the next trace.</summary>
        public void MoveInto(TraceAssembler assembler)
        {
            if (_table is null)
            {
                var group = BlockReader.GroupOf(_footer, _trace);
                _table = block.DecodeUncached(group)
                    ?? throw new InvalidDataException($"block {block.Path}: row group {group} is unreadable; not merging it");
                var info = _footer.RowGroups[group];
                _groupEnd = info.FirstTrace + info.TraceCount;
                _groupFirstRow = info.FirstRow;
            }
            var first = Traces.FirstRows[_trace] - _groupFirstRow;
            for (var i = 0; i < Traces.SpanCounts[_trace]; i++) assembler.Add(_table, first + i);
            if (++_trace >= _groupEnd) _table = null; // the group is done: let it go before the next is decoded
        }
    }
}
