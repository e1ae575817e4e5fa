using Kubetrace.Storage;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Check;
using Kubetrace.Tests.Storage.Integrity;
using Microsoft.Extensions.Logging.Abstractions;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A block's footer is stored as sections (dictionaries, trace table, row group directory, postings, catalog, link
/// table), each with its own CRC-32C, read when a query first needs it: past the index cache a trace by ID reads
/// what it needs, not the postings; a search reads each block's footer once, not once per candidate; a damaged
/// section is reported by name and its block never served; blocks of older footer versions still read.
/// </summary>
public sealed class FooterSectionTests
{
    [Fact]
    public async Task A_flipped_byte_in_any_footer_section_is_reported_by_store_check_and_its_block_is_never_served()
    {
        var pristine = await TwoBlocksAsync();
        try
        {
            var damagedBlock = StoreBlockFiles.Of(pristine)[0];
            var relative = Path.GetRelativePath(pristine, damagedBlock);
            var failures = new List<string>();
            foreach (var (section, place) in SectionsOf(damagedBlock))
            {
                var name = section.ToString().ToLowerInvariant();
                var directory = DamagedCopy.Copy(pristine);
                DamagedCopy.Flip(Path.Combine(directory, relative), place.Offset + place.StoredLength / 2);
                var checkedBlock = StoreCheck.Run(directory).Single(f => f.Path == relative);
                if (checkedBlock.Damage is not [var line] || !line.StartsWith($"footer section {name}: checksum mismatch", StringComparison.Ordinal))
                    failures.Add($"{name}: store check said [{string.Join(" | ", checkedBlock.Damage)}]");
                await using (var store = EmbeddedTraceStore.Open(new StoreOptions { Directory = directory, Retention = TimeSpan.Zero }))
                {
                    if (await store.GetTraceAsync(new TraceId((UInt128)1), CancellationToken.None) is not null)
                        failures.Add($"{name}: a trace of the damaged block was served");
                    if (await store.GetTraceAsync(new TraceId((UInt128)101), CancellationToken.None) is null)
                        failures.Add($"{name}: a trace of the intact block is missing");
                }
                Directory.Delete(directory, recursive: true);
            }
            Assert.Empty(failures);
            Assert.Equal(Enum.GetValues<FooterSection>().Length, SectionsOf(damagedBlock).Count());
        }
        finally
        {
            Directory.Delete(pristine, recursive: true);
        }
    }

    [Fact]
    public async Task A_footer_section_damaged_while_the_store_runs_is_detected_and_its_block_left_out()
    {
        var pristine = await TwoBlocksAsync();
        try
        {
            var failures = new List<string>();
            foreach (var (section, place) in SectionsOf(StoreBlockFiles.Of(pristine)[0]))
            {
                var name = section.ToString().ToLowerInvariant();
                var directory = DamagedCopy.Copy(pristine);
                await using (var store = EmbeddedTraceStore.Open(new StoreOptions { Directory = directory, Retention = TimeSpan.Zero, IndexCacheBytes = 1 }))
                {
                    DamagedCopy.Flip(StoreBlockFiles.Of(directory)[0], place.Offset + place.StoredLength / 2); // under the running store
                    await EveryQueryAsync(store);
                    var found = await store.GetTraceAsync(new TraceId((UInt128)1), CancellationToken.None);
                    if (found is not null) failures.Add($"{name}: a trace of the damaged block was served after its damage was read");
                    if (store.GetStats().DamagedRowGroups == 0) failures.Add($"{name}: the damage is not in the stats");
                    if (await store.GetTraceAsync(new TraceId((UInt128)101), CancellationToken.None) is null)
                        failures.Add($"{name}: a trace of the intact block is missing");
                }
                Directory.Delete(directory, recursive: true);
            }
            Assert.Empty(failures);
        }
        finally
        {
            Directory.Delete(pristine, recursive: true);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task A_block_of_an_earlier_footer_version_still_reads_and_checks_clean(int version)
    {
        await using var temp = new TempStore();
        var head = new Kubetrace.Storage.Head.HeadBlock(1, 1024) { LastSegment = 1 };
        for (var t = 1; t <= 5; t++) head.Append(Google.Protobuf.MessageExtensions.ToByteArray(Request(Resource("svc", IndexCacheTests.ManyAttributes(t)))));
        BlockWriter.Write(head, Path.Combine(temp.Directory, "blocks", "000000000001.ktb"), rowGroupSpans: 2, formatVersion: version);

        var store = await temp.RestartAsync();

        for (var t = 1; t <= 5; t++) Assert.NotNull(await store.GetTraceAsync(new TraceId((UInt128)t), CancellationToken.None));
        var found = await store.FetchAsync(new FetchRequest(TimeRange.All, [Condition.Attribute("k0", IndexCacheTests.Value(3, 0))], Limit: 10), CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 5).Where(t => IndexCacheTests.Value(t, 0) == IndexCacheTests.Value(3, 0)).Select(t => (UInt128)t), found.Select(m => m.Summary.TraceId.Value).Order());
        await store.DisposeAsync();
        var block = StoreCheck.Run(temp.Directory).Single(f => f.Path.EndsWith(".ktb", StringComparison.Ordinal));
        Assert.Empty(block.Damage);
        Assert.StartsWith($"block format {version}", block.Contents, StringComparison.Ordinal);
    }

    /// <summary>Two blocks (traces 1–20, then 101–120) with links, events and dependencies, the store shut down;
    /// returns a copy of its folder.</summary>
    private static async Task<string> TwoBlocksAsync()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, Retention = TimeSpan.Zero, CompactionTargetSpans = 0 });
        for (var block = 0; block < 2; block++)
        {
            var spans = Enumerable.Range(100 * block + 1, 20).SelectMany(t =>
            {
                var child = Span(t, 2, 1, "etcd get", 1, 5, ("db.system", "etcd"));
                child.Links.Add(new Kubetrace.Otlp.Proto.Trace.Span.Types.Link { TraceId = TraceId(t + 1000), SpanId = SpanId(9) });
                child.Events.Add(new Kubetrace.Otlp.Proto.Trace.Span.Types.Event { Name = "retry", TimeUnixNano = BaseTime });
                return new[] { Span(t, 1, 0, "GET /api/v1/pods", 0, 20, ("k8s.namespace.name", $"ns{t % 3}")), child };
            });
            await temp.AppendAsync(Request(Resource($"svc{block}", [.. spans])));
            await temp.Store.FlushHeadAsync();
        }
        await temp.Store.DisposeAsync();
        return DamagedCopy.Copy(temp.Directory);
    }

    /// <summary>Queries that between them read every section of every block's footer. The one that meets the damage
    /// may fail (it had taken other sections of the block already); none after it serves the block.</summary>
    private static async Task EveryQueryAsync(EmbeddedTraceStore store)
    {
        var none = CancellationToken.None;
        Func<Task>[] queries =
        [
            () => store.GetTraceAsync(new TraceId((UInt128)1), none).AsTask(),
            () => store.FetchAsync(new FetchRequest(TimeRange.All, [Condition.Attribute("k8s.namespace.name", "ns1")], Limit: 100), none).AsTask(),
            () => store.GetServicesAsync(none).AsTask(),
            () => store.GetOperationsAsync("svc0", none).AsTask(),
            () => store.GetAttributeValuesAsync(AttributeScope.Span, "k8s.namespace.name", 10, none).AsTask(),
            () => store.GetDependenciesAsync(TimeRange.All, none).AsTask(),
            () => store.FindLinkingTracesAsync([new TraceId((UInt128)1001)], TimeRange.All, 10, none).AsTask(),
        ];
        var failed = 0;
        foreach (var query in queries)
        {
            try
            {
                await query();
            }
            catch (InvalidDataException) when (failed++ == 0)
            {
                // The one query allowed to meet the damage; a second failure is not caught.
            }
        }
    }

    private static IEnumerable<(FooterSection Section, FooterPlace Place)> SectionsOf(string blockFile)
    {
        using var block = BlockReader.Open(blockFile, new RowGroupCache(1), NullLogger.Instance);
        return [.. block.Footer.Sections!.Select((place, i) => ((FooterSection)i, place))];
    }
}
