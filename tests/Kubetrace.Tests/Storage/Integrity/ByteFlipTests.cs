using Kubetrace.Storage;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Storage.Encryption;
using Kubetrace.Tests.Storage.Rollups;
using Microsoft.Extensions.Logging.Abstractions;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage.Integrity;

/// <summary>
/// One byte flipped in each kind of file a store keeps (block row groups, block footer and trailer, WAL segment,
/// rollup sidecar), at offsets spread over the whole file: the damaged data is never returned (no trace comes back
/// changed), the rest always is, and the damage is reported.
/// </summary>
public sealed class ByteFlipTests
{
    private const int TracesPerBlock = 24;

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // encrypted at rest: a sealed row group fails its tag as a plain one fails its checksums
    public async Task A_flipped_byte_anywhere_in_a_block_never_changes_an_answer_and_loses_at_most_its_row_group(bool encrypted)
    {
        var keys = encrypted ? TestKeys.Ring("k1") : StoreKeyRing.None;
        var (pristine, originals) = await TwoBlocksAsync(keys);
        try
        {
            var blockFile = Directory.GetFiles(Path.Combine(pristine, "blocks"), "*.ktb").Order(StringComparer.Ordinal).First();
            var layout = BlockLayout.Of(blockFile, keys);
            var relative = Path.GetRelativePath(pristine, blockFile);
            var failures = new List<string>();
            foreach (var offset in DamagedCopy.Sample(new FileInfo(blockFile).Length, 120))
            {
                await using var copy = DamagedCopy.Open(pristine, relative, offset, dir => Options(dir, keys));
                var lost = layout.TracesLostBy(offset);
                foreach (var (trace, original) in originals)
                {
                    var found = await copy.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(trace)), CancellationToken.None);
                    if (lost.Contains(trace) && found is not null && Text(found) != original)
                        failures.Add($"offset {offset} ({layout.Region(offset)}): trace {trace} came back changed");
                    else if (lost.Contains(trace) && found is not null)
                        failures.Add($"offset {offset} ({layout.Region(offset)}): trace {trace} of the damaged part came back (unchanged, so the damage went unseen)");
                    else if (!lost.Contains(trace) && (found is null || Text(found) != original))
                        failures.Add($"offset {offset} ({layout.Region(offset)}): intact trace {trace} {(found is null ? "is missing" : "came back changed")}");
                }
                var scanned = await ScanAsync(copy.Store);
                var expected = originals.Keys.Except(lost).Order().ToList();
                if (!scanned.Order().SequenceEqual(expected))
                    failures.Add($"offset {offset} ({layout.Region(offset)}): the scan delivered traces [{string.Join(",", scanned.Order())}]");
                if (layout.InRowGroups(offset) && copy.Store.GetStats().DamagedRowGroups != 1)
                    failures.Add($"offset {offset}: the damaged row group is not reported in the stats");
            }
            Assert.Empty(failures);
        }
        finally
        {
            Directory.Delete(pristine, recursive: true);
        }
    }

    [Fact]
    public async Task A_block_written_before_chunk_checksums_still_reads()
    {
        await using var temp = new TempStore();
        var head = new Kubetrace.Storage.Head.HeadBlock(1, 1024) { LastSegment = 1 };
        for (var t = 1; t <= 5; t++) head.Append(Google.Protobuf.MessageExtensions.ToByteArray(Trace(t)));
        var path = Path.Combine(temp.Directory, "blocks", "000000000001.ktb");
        BlockWriter.Write(head, path, rowGroupSpans: 4, formatVersion: 2);

        var store = await temp.RestartAsync();

        for (var t = 1; t <= 5; t++)
            Assert.NotNull(await store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(t)), CancellationToken.None));
        Assert.Equal(5, (await ScanAsync(store)).Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_flipped_byte_anywhere_in_a_wal_segment_loses_only_the_record_it_hits(bool encrypted)
    {
        var keys = encrypted ? TestKeys.Ring("k1") : StoreKeyRing.None;
        await using var temp = Stores.New(encrypted);
        var originals = new Dictionary<int, string>();
        for (var t = 1; t <= 10; t++) await temp.AppendAsync(Trace(t)); // one record per trace, in order
        for (var t = 1; t <= 10; t++) originals[t] = Text((await temp.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(t)), CancellationToken.None))!);
        var segment = Directory.GetFiles(Path.Combine(temp.Directory, "wal")).Order(StringComparer.Ordinal).Last(f => new FileInfo(f).Length > 0);
        var records = RecordOffsets(await File.ReadAllBytesAsync(segment));
        Assert.Equal(10, records.Count);
        var failures = new List<string>();
        foreach (var offset in DamagedCopy.Sample(new FileInfo(segment).Length, 60))
        {
            await using var copy = DamagedCopy.Open(temp.Directory, Path.GetRelativePath(temp.Directory, segment), offset,
                dir => new StoreOptions { Directory = dir, Keys = keys });
            var hit = records.FindLastIndex(r => r <= offset) + 1; // record k holds trace k+1
            foreach (var (trace, original) in originals)
            {
                var found = await copy.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(trace)), CancellationToken.None);
                if (trace == hit && found is not null)
                    failures.Add($"offset {offset}: trace {trace}, in the damaged record, came back{(Text(found) == original ? "" : " changed")}");
                else if (trace != hit && (found is null || Text(found) != original))
                    failures.Add($"offset {offset}: intact trace {trace} {(found is null ? "is missing" : "came back changed")}");
            }
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_flipped_byte_anywhere_in_a_rollup_sidecar_is_never_served_and_the_block_is_scanned_instead()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        string pristine;
        await using (var temp = await RollupTraffic.RolledUpStoreAsync(clock))
        {
            await temp.Store.DisposeAsync();
            pristine = DamagedCopy.Copy(temp.Directory);
        }
        try
        {
            var sidecars = Directory.GetFiles(Path.Combine(pristine, "blocks"), "*.test-snapshot-1.rollup").Order(StringComparer.Ordinal).ToArray();
            var sidecar = sidecars[1];
            var failures = new List<string>();
            foreach (var offset in DamagedCopy.Sample(new FileInfo(sidecar).Length, 30))
            {
                await using var copy = DamagedCopy.Open(pristine, Path.GetRelativePath(pristine, sidecar), offset, dir => RollupTraffic.Options(dir, clock));
                var scan = await RolledUpScan.AssertSameAsFullScanAsync(copy.Store, TimeRange.All, RollupTraffic.Snapshot);
                if (scan.Payloads != sidecars.Length - 1) failures.Add($"offset {offset}: {scan.Payloads} payloads used of {sidecars.Length - 1} intact");
                if (File.Exists(Path.Combine(copy.Directory, Path.GetRelativePath(pristine, sidecar)))) failures.Add($"offset {offset}: the damaged sidecar was kept");
            }
            Assert.Empty(failures);
        }
        finally
        {
            Directory.Delete(pristine, recursive: true);
        }
    }

    /// <summary>Two blocks of <see cref="TracesPerBlock"/> traces in row groups of 6 spans (two traces each), the
    /// store shut down; returns its folder and each trace's text.</summary>
    private static async Task<(string Directory, Dictionary<int, string> Traces)> TwoBlocksAsync(StoreKeyRing keys)
    {
        var originals = new Dictionary<int, string>();
        await using var temp = new TempStore(dir => Options(dir, keys));
        for (var t = 1; t <= 2 * TracesPerBlock; t++)
        {
            await temp.AppendAsync(Trace(t));
            if (t % TracesPerBlock == 0) await temp.Store.FlushHeadAsync();
        }
        for (var t = 1; t <= 2 * TracesPerBlock; t++)
            originals[t] = Text((await temp.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(t)), CancellationToken.None))!);
        await temp.Store.DisposeAsync();
        return (DamagedCopy.Copy(temp.Directory), originals);
    }

    private static StoreOptions Options(string directory, StoreKeyRing keys) =>
        new() { Directory = directory, RowGroupSpans = 6, CompactionTargetSpans = 0, Keys = keys };

    private static Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest Trace(int t) =>
        Request(Resource($"service-{t % 3}",
            Span(t, 1, 0, "GET /api/v1/pods", 0, 30, ("k8s.namespace.name", $"ns-{t % 4}"), ("http.response.status_code", "200")),
            Span(t, 2, 1, "etcd get", 5, 10, ("db.system", "etcd")),
            Span(t, 3, 1, "etcd list", 12, 8, ("k8s.namespace.name", $"ns-{t % 4}"))));

    private static string Text(IReadOnlyList<Kubetrace.Otlp.Proto.Trace.ResourceSpans> trace) => string.Join("\n", trace.Select(r => r.ToString()));

    private static async Task<List<int>> ScanAsync(ITraceStore store)
    {
        var traces = new List<int>();
        await store.ScanAsync(new SpanScanRequest(TimeRange.All, ["k8s.namespace.name"]),
            trace => traces.Add((int)(ulong)trace.TraceId.Value), CancellationToken.None);
        return traces;
    }

    private static List<int> RecordOffsets(byte[] segment)
    {
        var offsets = new List<int>();
        for (var offset = 0; offset < segment.Length; offset += 9 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(segment.AsSpan(offset)))
            offsets.Add(offset);
        return offsets;
    }

    /// <summary>Where a block's parts lie, read from its intact footer: which traces a flip at an offset may cost.</summary>
    /// <remarks>A sealed block has its key reference between the leading magic and the first row group (damage there
    /// costs the whole block, as a footer's does), and each row group is longer by its nonce and tag.</remarks>
    private sealed record BlockLayout(long FooterStart, (long Start, long End, int[] Traces)[] Groups, int[] AllTraces)
    {
        public static BlockLayout Of(string path, StoreKeyRing keys)
        {
            using var block = BlockReader.Open(path, new RowGroupCache(1), NullLogger.Instance, keys);
            var ids = block.Footer.Traces.Ids;
            int TraceNumber(int ordinal) => (int)(ulong)ids[ordinal];
            var sealing = block.Key is null ? 0 : StoreKey.Overhead;
            var groups = block.Footer.RowGroups
                .Select(g => (g.Offset, g.Offset + g.Length + sealing, Enumerable.Range(g.FirstTrace, g.TraceCount).Select(TraceNumber).ToArray()))
                .ToArray();
            return new BlockLayout(groups[^1].Item2, groups, Enumerable.Range(0, ids.Length).Select(TraceNumber).ToArray());
        }

        private long DataStart => Groups[0].Start;

        public bool InRowGroups(long offset) => offset >= DataStart && offset < FooterStart;

        /// <summary>The leading magic is never read for data; a row group costs its traces; the key reference, the
        /// footer or the trailer the block.</summary>
        public IReadOnlySet<int> TracesLostBy(long offset) =>
            offset < BlockWriter.Magic.Length ? new HashSet<int>()
            : InRowGroups(offset) ? Groups.Single(g => offset >= g.Start && offset < g.End).Traces.ToHashSet()
            : AllTraces.ToHashSet();

        public string Region(long offset) =>
            offset < BlockWriter.Magic.Length ? "leading magic"
            : offset < DataStart ? "key reference"
            : InRowGroups(offset) ? $"row group {Array.FindIndex(Groups, g => offset >= g.Start && offset < g.End)}"
            : "footer or trailer";
    }
}
