using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.Benchmark;
using Xunit.Abstractions;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Compaction merges adjacent small blocks into one, atomically: every span is found exactly once before, after,
/// and after a crash at any point of it; retention still deletes the oldest data first.
/// </summary>
public sealed class CompactionTests(ITestOutputHelper output)
{
    private static StoreOptions Options(string directory, int targetSpans = 10_000, TimeSpan? retention = null) => new()
    {
        Directory = directory, RetentionInterval = TimeSpan.FromHours(1), CompactionInterval = TimeSpan.FromHours(1),
        CompactionTargetSpans = targetSpans,
        Retention = retention ?? TimeSpan.FromHours(72),
    };

    /// <summary>One block per call: <paramref name="traces"/> traces of two spans (apiserver → etcd).</summary>
    private static async Task AddBlockAsync(TempStore temp, int firstTrace, int traces, long startMs = 0)
    {
        for (var t = firstTrace; t < firstTrace + traces; t++)
            await temp.AppendAsync(Request(
                Resource("apiserver", Span(t, 1, 0, "GET /api/v1/pods", startMs, 10, ("k8s.namespace.name", $"team-{t % 7}"))),
                Resource("etcd", Span(t, 2, 1, "etcdserverpb.KV/Range", startMs + 1, 5))));
        await temp.Store.FlushHeadAsync();
    }

    private static string[] BlockFiles(TempStore temp) => Directory.GetFiles(Path.Combine(temp.Directory, "blocks"), "*.ktb");

    /// <summary>How many times each span ID of the trace is stored (a duplicate shows as 2).</summary>
    private static async Task<Dictionary<string, int>> StoredSpansAsync(EmbeddedTraceStore store, int trace) =>
        (await store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(trace)), CancellationToken.None) ?? [])
        .SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)
        .CountBy(s => Convert.ToHexString(s.SpanId.Span)).ToDictionary();

    private static async Task AssertEverySpanOnceAsync(EmbeddedTraceStore store, int traces)
    {
        for (var t = 1; t <= traces; t++)
        {
            var stored = await StoredSpansAsync(store, t);
            Assert.True(stored.Count == 2 && stored.Values.All(n => n == 1),
                $"trace {t}: expected spans 1 and 2 once each, got {string.Join(", ", stored.Select(s => $"{s.Key}×{s.Value}"))}");
        }
    }

    [Fact]
    public async Task Adjacent_small_blocks_become_one_block_holding_every_span_once()
    {
        await using var temp = new TempStore(dir => Options(dir));
        for (var b = 0; b < 6; b++) await AddBlockAsync(temp, b * 20 + 1, 20, startMs: b * 100);
        // Trace 1's etcd span arrives one block later than its root: after merging it is one trace in one place.
        await temp.AppendAsync(Request(Resource("etcd", Span(1, 3, 1, "etcdserverpb.KV/Txn", 700, 5))));
        await temp.Store.FlushHeadAsync();
        var before = (Blocks: BlockFiles(temp).Length, temp.Store.GetStats().Spans, Bytes: temp.BytesOnDisk());

        var merged = await temp.Store.CompactAsync(CancellationToken.None);

        var stats = temp.Store.GetStats();
        output.WriteLine($"{before.Blocks} blocks, {before.Bytes} B → {stats.Blocks} block, {temp.BytesOnDisk()} B");
        Assert.Equal((7, 7, 1, 1), (before.Blocks, merged, stats.Blocks, BlockFiles(temp).Length));
        Assert.Equal(before.Spans, stats.Spans);
        Assert.Equal(["1", "2", "3"], (await StoredSpansAsync(temp.Store, 1)).Keys.Select(k => k.TrimStart('0')).Order());
        var found = await temp.Store.FetchAsync(new FetchRequest(TimeRange.All, [Condition.Service("apiserver")], Limit: 1000),
            CancellationToken.None);
        Assert.Equal(120, found.Count);
        Assert.Equal(3, found.Single(m => m.Summary.TraceId == Kubetrace.Storage.TraceId.FromByteString(TraceId(1))).Summary.SpanCount);

        var reopened = await temp.RestartAsync();
        Assert.Equal(1, reopened.GetStats().Blocks);
        for (var t = 2; t <= 120; t++) Assert.Equal(2, (await StoredSpansAsync(reopened, t)).Values.Sum());
    }

    [Fact]
    public async Task A_crash_after_the_merged_block_is_in_place_but_before_its_sources_are_deleted_reads_no_span_twice()
    {
        await using var temp = new TempStore(dir => Options(dir));
        for (var b = 0; b < 4; b++) await AddBlockAsync(temp, b * 10 + 1, 10);
        var blocksFolder = Path.Combine(temp.Directory, "blocks");
        var sources = BlockFiles(temp).ToDictionary(f => f, File.ReadAllBytes);
        await temp.Store.CompactAsync(CancellationToken.None);
        await temp.Store.DisposeAsync();
        // The state a SIGKILL leaves between the rename of the merged block and the deletion of its sources.
        foreach (var (path, bytes) in sources) File.WriteAllBytes(path, bytes);
        Assert.Equal(5, Directory.GetFiles(blocksFolder, "*.ktb").Length);

        var reopened = temp.Crash();

        await AssertEverySpanOnceAsync(reopened, 40);
        Assert.Equal(1, reopened.GetStats().Blocks);
        Assert.Equal(80, reopened.GetStats().Spans);
        Assert.All(sources.Keys, source => Assert.False(File.Exists(source), $"{source} was merged but not deleted"));
    }

    [Fact]
    public async Task A_crash_while_the_merged_block_is_written_keeps_the_sources()
    {
        await using var temp = new TempStore(dir => Options(dir));
        for (var b = 0; b < 3; b++) await AddBlockAsync(temp, b * 10 + 1, 10);
        var sources = BlockFiles(temp).ToDictionary(f => f, File.ReadAllBytes);
        await temp.Store.CompactAsync(CancellationToken.None);
        var mergedFile = Assert.Single(BlockFiles(temp));
        var merged = File.ReadAllBytes(mergedFile);
        await temp.Store.DisposeAsync();
        // A SIGKILL halfway through writing the merged block: its temporary file is half written, sources intact.
        File.Delete(mergedFile);
        File.WriteAllBytes(mergedFile + ".tmp", merged[..(merged.Length / 2)]);
        foreach (var (path, bytes) in sources) File.WriteAllBytes(path, bytes);

        var reopened = temp.Crash();

        await AssertEverySpanOnceAsync(reopened, 30);
        Assert.Equal(3, reopened.GetStats().Blocks);
        Assert.False(File.Exists(mergedFile + ".tmp"));
        Assert.Equal(3, await reopened.CompactAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Blocks_hours_apart_are_not_merged_so_retention_still_deletes_the_oldest_data_first()
    {
        var old = -(long)TimeSpan.FromHours(100).TotalMilliseconds;
        await using var temp = new TempStore(dir => Options(dir, retention: TimeSpan.FromHours(72)));
        await AddBlockAsync(temp, 1, 10, startMs: old);
        await AddBlockAsync(temp, 11, 10, startMs: old + 60_000);
        await AddBlockAsync(temp, 21, 10, startMs: 0);
        await AddBlockAsync(temp, 31, 10, startMs: 60_000);

        Assert.Equal(4, await temp.Store.CompactAsync(CancellationToken.None));
        Assert.Equal(2, temp.Store.GetStats().Blocks);
        await temp.Store.EnforceRetentionAsync(CancellationToken.None);

        Assert.Empty(await StoredSpansAsync(temp.Store, 1));
        Assert.Empty(await StoredSpansAsync(temp.Store, 20));
        Assert.Equal(2, (await StoredSpansAsync(temp.Store, 21)).Count);
        Assert.Equal(2, (await StoredSpansAsync(temp.Store, 40)).Count);
    }

    [Fact]
    public async Task A_block_already_at_half_the_target_is_left_alone()
    {
        await using var temp = new TempStore(dir => Options(dir, targetSpans: 40));
        await AddBlockAsync(temp, 1, 20);  // 40 spans: large enough
        await AddBlockAsync(temp, 21, 5);
        await AddBlockAsync(temp, 26, 5);

        Assert.Equal(2, await temp.Store.CompactAsync(CancellationToken.None));
        Assert.Equal(2, temp.Store.GetStats().Blocks);
    }

    [Fact]
    public async Task Merging_twenty_small_blocks_of_the_benchmark_shape_cuts_bytes_per_span_and_still_finds_every_trace_by_ID()
    {
        var generator = new KubernetesTraceGenerator(seed: 7, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(30));
        await using var temp = new TempStore(dir => Options(dir, targetSpans: 100_000));
        var spansOf = new Dictionary<Kubetrace.Storage.TraceId, int>();
        for (var b = 0; b < 20; b++)
        {
            var request = generator.NextRequest(traces: 100);
            foreach (var id in request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => Kubetrace.Storage.TraceId.FromByteString(s.TraceId)))
                spansOf[id] = spansOf.GetValueOrDefault(id) + 1;
            await temp.AppendAsync(request);
            await temp.Store.FlushHeadAsync();
        }
        var before = temp.Store.GetStats();
        await FindsEveryTraceAsync(temp.Store, spansOf);

        await temp.Store.CompactAsync(CancellationToken.None);
        var reopened = await temp.RestartAsync();
        var after = reopened.GetStats();
        await FindsEveryTraceAsync(reopened, spansOf);

        // How much faster a trace is found by ID after the merge is the benchmark's to say (docs/benchmarks.md).
        output.WriteLine($"{before.Blocks} blocks: {before.BlockBytesPerSpan:F1} B/span; {after.Blocks} block: {after.BlockBytesPerSpan:F1} B/span");
        Assert.Equal((20, 1), (before.Blocks, after.Blocks));
        Assert.Equal(before.Spans, after.Spans);
        Assert.True(after.BlockBytesPerSpan < before.BlockBytesPerSpan * 0.97,
            $"merging should save the per-block dictionaries and indexes: {before.BlockBytesPerSpan:F1} → {after.BlockBytesPerSpan:F1} B/span");
    }

    [Fact]
    public async Task Every_trace_search_link_and_catalog_answers_as_before_the_merge()
    {
        var generator = new KubernetesTraceGenerator(seed: 5, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(30));
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, RetentionInterval = TimeSpan.FromHours(1), CompactionInterval = TimeSpan.FromHours(1),
            CompactionTargetSpans = 100_000, RowGroupSpans = 64, Rollups = [],
        });
        var ids = new HashSet<Kubetrace.Storage.TraceId>();
        var linking = Span(9001, 1, 0, "watch", 0, 10, ("k8s.verb", "watch"));
        linking.Links.Add(new Kubetrace.Otlp.Proto.Trace.Span.Types.Link { TraceId = TraceId(9002), SpanId = SpanId(7), Attributes = { Attr("link.kind", "cause") } });
        linking.Events.Add(new Kubetrace.Otlp.Proto.Trace.Span.Types.Event { Name = "retry", TimeUnixNano = linking.StartTimeUnixNano, Attributes = { Attr("attempt", 2L) } });
        var skewed = Span(9003, 1, 0, "skewed clock", 20, 10);
        skewed.EndTimeUnixNano = skewed.StartTimeUnixNano - 5; // an end before the start is kept as sent
        var duplicate = Request(Resource("etcd", Span(9004, 1, 0, "etcdserverpb.KV/Range", 30, 5, ("key", "/registry/pods"))));
        for (var block = 0; block < 6; block++)
        {
            var request = generator.NextRequest(traces: 40);
            ids.UnionWith(request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => Kubetrace.Storage.TraceId.FromByteString(s.TraceId)));
            await temp.AppendAsync(request);
            if (block == 0) await temp.AppendAsync(Request(Resource("apiserver", linking, skewed)));
            if (block == 2) await temp.AppendAsync(Request(Resource("etcd", Span(9001, 2, 1, "etcdserverpb.Watch/Watch", 1, 5)))); // trace 9001 split
            if (block is 1 or 3) await temp.AppendAsync(duplicate); // the same span in two blocks, and twice in one
            if (block == 3) await temp.AppendAsync(duplicate);
            await temp.Store.FlushHeadAsync();
        }
        ids.UnionWith(new[] { 9001, 9003, 9004 }.Select(n => Kubetrace.Storage.TraceId.FromByteString(TraceId(n))));
        var before = await AnswersAsync(temp.Store, ids);
        var storedBefore = temp.Store.GetStats().Spans;

        Assert.Equal(6, await temp.Store.CompactAsync(CancellationToken.None));

        Assert.Equal(1, temp.Store.GetStats().Blocks);
        var after = await AnswersAsync(temp.Store, ids);
        Assert.Equal(before.Count, after.Count);
        foreach (var (question, answer) in before) Assert.True(answer == after[question], $"{question}:\nbefore: {answer}\nafter:  {after[question]}");
        Assert.Equal(storedBefore - 2, temp.Store.GetStats().Spans); // the span exported three times is stored once
        Assert.Contains("link.kind", before["trace " + Kubetrace.Storage.TraceId.FromByteString(TraceId(9001))], StringComparison.Ordinal);
    }

    /// <summary>What the store answers, as order-independent text per question: every trace by ID, searches, the
    /// traces linking to one, services, operations, dependencies, attribute names and values.</summary>
    private static async Task<Dictionary<string, string>> AnswersAsync(EmbeddedTraceStore store, IEnumerable<Kubetrace.Storage.TraceId> ids)
    {
        var none = CancellationToken.None;
        var answers = new Dictionary<string, string>();
        foreach (var id in ids)
        {
            var trace = await store.GetTraceAsync(id, none) ?? [];
            answers["trace " + id] = string.Join("\n", trace.SelectMany(r => r.ScopeSpans.SelectMany(s => s.Spans.Select(span =>
                $"{r.Resource} {r.SchemaUrl} {s.Scope} {s.SchemaUrl} {span}"))).Order(StringComparer.Ordinal));
        }
        var searches = new Dictionary<string, Condition[]>
        {
            ["service"] = [Condition.Service("etcd")],
            ["name"] = [Condition.SpanName("etcdserverpb.KV/Range")],
            ["namespace"] = [Condition.Attribute("k8s.namespace.name", "kube-system")],
            ["verb and service"] = [Condition.Attribute("k8s.verb", "watch"), Condition.Service("apiserver")],
            ["audit ID (a UUID per span)"] = [new Condition(AttributeScope.Any, "k8s.audit.id", ConditionOp.Exists)],
            ["slow"] = [Condition.MinDuration(TimeSpan.FromMilliseconds(50))],
        };
        foreach (var (name, conditions) in searches)
        {
            var found = await store.FetchAsync(new FetchRequest(TimeRange.All, conditions, Limit: 100_000), none);
            answers["search " + name] = string.Join(",", found.Select(m => m.Summary.TraceId.ToString()).Order(StringComparer.Ordinal));
        }
        var linked = await store.FindLinkingTracesAsync([Kubetrace.Storage.TraceId.FromByteString(TraceId(9002))], TimeRange.All, 100, none);
        answers["linking"] = string.Join(",", linked.Select(l => l.ToString()).Order(StringComparer.Ordinal));
        var services = await store.GetServicesAsync(none);
        answers["services"] = string.Join(",", services.Order(StringComparer.Ordinal));
        foreach (var service in services)
            answers["operations " + service] = string.Join(",", (await store.GetOperationsAsync(service, none)).Select(o => o.ToString()).Order(StringComparer.Ordinal));
        answers["dependencies"] = string.Join(",", (await store.GetDependenciesAsync(TimeRange.All, none)).Select(d => d.ToString()).Order(StringComparer.Ordinal));
        foreach (var scope in new[] { AttributeScope.Span, AttributeScope.Resource })
            answers["attributes " + scope] = string.Join(",", (await store.GetAttributeNamesAsync(scope, none)).Order(StringComparer.Ordinal));
        answers["namespaces"] = string.Join(",", (await store.GetAttributeValuesAsync(AttributeScope.Span, "k8s.namespace.name", 1000, none)).Order(StringComparer.Ordinal));
        return answers;
    }

    /// <summary>Every trace is found by its ID, whole: as many spans as were appended, each of that trace.</summary>
    private static async Task FindsEveryTraceAsync(EmbeddedTraceStore store, Dictionary<Kubetrace.Storage.TraceId, int> spansOf)
    {
        foreach (var (id, count) in spansOf)
        {
            var spans = (await store.GetTraceAsync(id, CancellationToken.None) ?? []).SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).ToList();
            Assert.True(spans.Count == count, $"trace {id}: {spans.Count} of its {count} spans found");
            Assert.All(spans, span => Assert.Equal(id, Kubetrace.Storage.TraceId.FromByteString(span.TraceId)));
        }
    }
}
