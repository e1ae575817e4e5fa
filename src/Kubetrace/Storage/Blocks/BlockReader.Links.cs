using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;
using Kubetrace.Storage.Scan.Columnar;

namespace Kubetrace.Storage.Blocks;

internal sealed partial class BlockReader
{
    /// <summary>
    /// The block's reverse link table: the footer's, or for a version 1 block (written before the table) one built
    /// on first use by reading only the extras and start columns of its row groups, then kept with the footer.
    /// </summary>
    public LinkIndex Links => LinksOf(Footer);

    private LinkIndex LinksOf(BlockFooter footer) =>
        footer.Links ?? LazyInitializer.EnsureInitialized(ref footer.ScannedLinks, () => ScanLinks(footer));

    public void FindLinkingTraces(IReadOnlyCollection<UInt128> targets, TimeRange range, List<LinkingTrace> found)
    {
        var footer = Footer;
        var links = LinksOf(footer);
        var ids = footer.Traces.Ids;
        foreach (var target in targets)
            links.Find(target, range, (to, trace, start) => found.Add(new LinkingTrace(new TraceId(ids[trace]), new TraceId(to), (long)start)));
    }

    private LinkIndex ScanLinks(BlockFooter footer)
    {
        var builder = new LinkIndex.Builder();
        var links = new List<ScannedLink>();
        for (var group = 0; group < footer.RowGroups.Length; group++)
        {
            var g = group;
            TryRead(group, () => ScanGroupLinks(footer, g, builder, links)); // an unreadable group is logged and skipped
        }
        return builder.Build();
    }

    private void ScanGroupLinks(BlockFooter footer, int group, LinkIndex.Builder builder, List<ScannedLink> links)
    {
        var info = footer.RowGroups[group];
        var extras = Column(info, group, RowGroupColumns.Extras);
        var starts = Column(info, group, RowGroupColumns.StartDeltas);
        var traces = footer.Traces;
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
    private ByteReader Column(RowGroupInfo info, int group, int column)
    {
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
