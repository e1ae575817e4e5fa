using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Compaction;

/// <summary>
/// Reads the rows of several blocks back into one head, row group by row group, as the OTLP they were written
/// from, so that the block writer (sorting by trace ID, dictionaries, postings, trace table) builds the merged block
/// exactly as it builds any block. A trace split between the sources becomes one trace.
/// </summary>
internal static class BlockMerger
{
    /// <exception cref="InvalidDataException">A row group of a source cannot be read: merging would drop it for good.</exception>
    public static HeadBlock Merge(IReadOnlyList<BlockReader> sources, CancellationToken cancellationToken)
    {
        var spans = sources.Sum(b => (long)b.SpanCount);
        var merged = new HeadBlock(sources.Min(b => b.Footer.FirstSegment), (int)Math.Min(int.MaxValue - 1024, spans + 1024))
        {
            LastSegment = sources.Max(b => b.LastSegment),
        };
        foreach (var block in sources)
        {
            for (var group = 0; group < block.Footer.RowGroups.Length; group++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var table = block.DecodeUncached(group)
                    ?? throw new InvalidDataException($"block {block.Path}: row group {group} is unreadable; not compacting it");
                var assembler = new TraceAssembler();
                for (var row = 0; row < table.Count; row++) assembler.Add(table, row);
                merged.Append(new ExportTraceServiceRequest { ResourceSpans = { assembler.Result() } }.ToByteArray());
            }
        }
        return merged;
    }
}
