using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;
using Kubetrace.Storage.Scan.Columnar;

namespace Kubetrace.Storage.Blocks;

internal sealed partial class BlockReader
{
    private LinkIndex? _scannedLinks;

    /// <summary>
    /// The block's reverse link table: the footer's, or for a version 1 block (written before the table) one built
    /// on first use by reading only the extras and start columns of its row groups, then kept.
    /// </summary>
    public LinkIndex Links => Footer.Links ?? LazyInitializer.EnsureInitialized(ref _scannedLinks, ScanLinks);

    public void FindLinkingTraces(IReadOnlyCollection<UInt128> targets, TimeRange range, List<LinkingTrace> found)
    {
        var links = Links;
        var ids = Footer.Traces.Ids;
        foreach (var target in targets)
            links.Find(target, range, (to, trace, start) => found.Add(new LinkingTrace(new TraceId(ids[trace]), new TraceId(to), (long)start)));
    }

    private LinkIndex ScanLinks()
    {
        var builder = new LinkIndex.Builder();
        var links = new List<ScannedLink>();
        for (var group = 0; group < Footer.RowGroups.Length; group++)
        {
            var g = group;
            TryRead(group, () => ScanGroupLinks(g, builder, links)); // an unreadable group is logged and skipped
        }
        return builder.Build();
    }

    private void ScanGroupLinks(int group, LinkIndex.Builder builder, List<ScannedLink> links)
    {
        var info = Footer.RowGroups[group];
        var extras = Column(group, RowGroupColumns.Extras);
        var starts = Column(group, RowGroupColumns.StartDeltas);
        var traces = Footer.Traces;
        for (var trace = info.FirstTrace; trace < info.FirstTrace + info.TraceCount; trace++)
        for (var i = 0; i < traces.SpanCounts[trace]; i++)
        {
            var start = traces.Starts[trace] + starts.ReadVarint();
            var extra = extras.ReadBytes();
            if (extra.Length == 0) continue;
            LinkReader.Read(extra, links);
            foreach (var link in links) builder.Add(link.TraceId.Value, trace, start);
        }
    }

    /// <summary>One decompressed column of a row group, read alone.</summary>
    private ByteReader Column(int group, int column)
    {
        var info = Footer.RowGroups[group];
        var offset = 0;
        for (var i = 0; i < column; i++) offset += info.CompressedLengths[i];
        if (info.RawLengths[column] == 0) return new ByteReader([]);
        byte[] chunk;
        if (Key is null) chunk = ReadAt(_file, info.Offset + offset, info.CompressedLengths[column]);
        else
        {
            // A sealed group opens only whole (only version 1 blocks come here, and those are never sealed).
            var whole = new byte[checked((int)info.Length)];
            ReadRowGroup(group, whole);
            chunk = whole.AsSpan(offset, info.CompressedLengths[column]).ToArray();
        }
        ChunkChecksums.VerifyColumn(info, group, column, chunk);
        return new ByteReader(Codec.Decompress(chunk, info.RawLengths[column]));
    }
}
