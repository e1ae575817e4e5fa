using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A block's indexes (its footer: dictionaries, trace table, postings) are read on demand into a cache bounded in
/// bytes (<see cref="StoreOptions.IndexCacheBytes"/>) that memory pressure empties; an open block keeps only a
/// summary. Queries answer the same whatever the cache holds.
/// </summary>
public sealed class IndexCacheTests
{
    private const int Blocks = 4, TracesPerBlock = 20, Traces = 300, Attributes = 40;

    [Fact]
    public async Task A_release_empties_the_index_cache_and_a_trace_by_id_reads_the_index_of_its_block_only()
    {
        await using var temp = new TempStore();
        await WriteBlocksAsync(temp);
        Assert.True(temp.Store.IndexCacheBytes > 0, "the blocks just written keep their indexes for the next queries");

        Assert.True(await temp.Store.ReleaseMemoryAsync());
        Assert.Equal(0, temp.Store.IndexCacheBytes);

        var trace = await temp.Store.GetTraceAsync(new TraceId(TraceOf(block: 2, 5)), CancellationToken.None);
        Assert.Equal(2, trace!.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count)));
        var oneBlock = temp.Store.IndexCacheBytes;
        Assert.True(oneBlock > 0);

        var reads = temp.Store.IndexReads;
        Assert.Equal(Enumerable.Range(0, Blocks).Select(b => $"svc{b}"), await temp.Store.GetServicesAsync(CancellationToken.None));
        Assert.True(temp.Store.IndexReads - reads >= Blocks && temp.Store.IndexCacheBytes > oneBlock,
            $"the services of every block read every block's index ({temp.Store.IndexReads - reads} reads, {temp.Store.IndexCacheBytes} B held, {oneBlock} B for one)");

        Assert.True(await temp.Store.ReleaseMemoryAsync());
        Assert.Equal(0, temp.Store.IndexCacheBytes);
    }

    [Fact]
    public async Task Queries_answer_the_same_with_an_index_cache_too_small_for_one_block()
    {
        await using var roomy = new TempStore();
        await using var tiny = new TempStore(dir => new StoreOptions { Directory = dir, Retention = TimeSpan.Zero, IndexCacheBytes = 1 });
        await WriteBlocksAsync(roomy);
        await WriteBlocksAsync(tiny);

        var expected = await AnswersAsync(roomy.Store);
        Assert.Equal(Blocks * TracesPerBlock * 2, expected.SpansById.Sum());
        Assert.Equal(TracesPerBlock, expected.Searched.Length);
        var answers = await AnswersAsync(tiny.Store);
        Assert.Equal(expected.SpansById, answers.SpansById);
        Assert.Equal(expected.Searched, answers.Searched);
        Assert.Equal(expected.Services, answers.Services);
        Assert.Equal(expected.Values, answers.Values);
    }

    [Fact]
    public async Task A_trace_by_id_past_the_index_cache_reads_less_than_half_of_its_blocks_index()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, Retention = TimeSpan.Zero, IndexCacheBytes = 1 });
        await temp.AppendAsync(Request(Resource("svc", [.. Enumerable.Range(1, Traces).Select(ManyAttributes)])));
        await temp.Store.FlushHeadAsync();
        Assert.True(await temp.Store.ReleaseMemoryAsync());
        var index = StoreBlockFiles.IndexBytes(StoreBlockFiles.Of(temp.Directory).Single());

        var before = temp.Store.IndexBytesRead;
        var trace = await temp.Store.GetTraceAsync(new TraceId((UInt128)77), CancellationToken.None);
        var read = temp.Store.IndexBytesRead - before;

        Assert.Equal(1, trace!.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count)));
        Assert.True(read > 0 && read * 2 < index, $"a trace by ID read {read} B of its block's {index} B of index");
    }

    [Fact]
    public async Task A_search_past_the_index_cache_reads_each_blocks_index_at_most_once()
    {
        const int PerBlock = 20;
        await using var temp = new TempStore(dir => new StoreOptions
            { Directory = dir, Retention = TimeSpan.Zero, IndexCacheBytes = 1, CompactionTargetSpans = 0 });
        for (var block = 0; block < Blocks; block++)
        {
            // The blocks' traces start at the same times: a search's candidates alternate between blocks.
            await temp.AppendAsync(Request(Resource($"svc{block}",
                [.. Enumerable.Range(0, PerBlock).Select(t => Span(100 * block + t + 1, 1, 0, "GET", t, 20, ("k8s.namespace.name", "ns")))])));
            await temp.Store.FlushHeadAsync();
        }
        Assert.True(await temp.Store.ReleaseMemoryAsync());
        var indexes = StoreBlockFiles.Of(temp.Directory).Sum(StoreBlockFiles.IndexBytes);

        var before = temp.Store.IndexBytesRead;
        var found = await temp.Store.FetchAsync(new FetchRequest(TimeRange.All, [Condition.Attribute("k8s.namespace.name", "ns")], Limit: 100),
            CancellationToken.None);
        var read = temp.Store.IndexBytesRead - before;

        Assert.Equal(Blocks * PerBlock, found.Count);
        Assert.True(read <= indexes, $"the search read {read} B of index, its {Blocks} blocks hold {indexes} B");
    }

    [Fact]
    public async Task Stats_count_spans_and_traces_without_reading_any_block_index()
    {
        await using var temp = new TempStore();
        await WriteBlocksAsync(temp);
        await temp.AppendAsync(Request(Resource("svc0", Span((int)TraceOf(0, 0), 3, 1, "late child"))));
        Assert.True(await temp.Store.ReleaseMemoryAsync()); // the late span becomes a fifth block, its trace in the first too
        var reads = temp.Store.IndexReads;

        var stats = temp.Store.GetStats();

        Assert.Equal((Blocks * TracesPerBlock * 2L + 1, (long)Blocks * TracesPerBlock, Blocks + 1), (stats.Spans, stats.Traces, stats.Blocks));
        Assert.Equal((reads, 0L), (temp.Store.IndexReads, temp.Store.IndexCacheBytes));
    }

    [Fact]
    public async Task Texts_decoded_from_a_held_index_count_in_the_cache_bytes()
    {
        const int Values = 50, Length = 1000;
        await using var temp = new TempStore();
        var spans = Enumerable.Range(1, Values)
            .Select(t => Span(t, 1, 0, "GET", t, 20, ("long.value", new string((char)('a' + t % 26), Length) + t))).ToArray();
        await temp.AppendAsync(Request(Resource("svc", spans)));
        Assert.True(await temp.Store.ReleaseMemoryAsync());
        Assert.Equal(["svc"], await temp.Store.GetServicesAsync(CancellationToken.None));
        var undecoded = temp.Store.IndexCacheBytes;

        var values = await temp.Store.GetAttributeValuesAsync(AttributeScope.Span, "long.value", Values, CancellationToken.None);

        Assert.Equal(Values, values.Count);
        var decoded = temp.Store.IndexCacheBytes;
        Assert.True(decoded - undecoded >= Values * Length * 2L,
            $"{Values} texts of {Length} characters decoded: the cache counts {undecoded} → {decoded} B for the index holding them");
    }

    /// <summary>Trace <paramref name="t"/>: one span of <see cref="Attributes"/> attributes of ten values each, mixed
    /// (so that postings, not the trace table, make most of a block's index, as in real traffic).</summary>
    internal static Kubetrace.Otlp.Proto.Trace.Span ManyAttributes(int t) =>
        Span(t, 1, 0, "GET", t, 20, [.. Enumerable.Range(0, Attributes).Select(i => ($"k{i}", Value(t, i)))]);

    internal static string Value(int t, int i) => $"v{(uint)((t * 2654435761u) ^ (i * 40503u)) % 97 % 10}";

    private static UInt128 TraceOf(int block, int trace) => (UInt128)(100 * block + trace + 1);

    /// <summary>Blocks of <see cref="TracesPerBlock"/> traces of two spans each, block b's of service <c>svc{b}</c>.</summary>
    private static async Task WriteBlocksAsync(TempStore temp)
    {
        for (var block = 0; block < Blocks; block++)
        {
            var spans = Enumerable.Range(0, TracesPerBlock).SelectMany(t =>
            {
                var trace = (int)TraceOf(block, t);
                return new[]
                {
                    Span(trace, 1, 0, "GET /api/v1/pods", t, 20, ("k8s.namespace.name", $"ns{block}")),
                    Span(trace, 2, 1, "etcd get", t + 1, 5),
                };
            }).ToArray();
            await temp.AppendAsync(Request(Resource($"svc{block}", spans)));
            await temp.Store.FlushHeadAsync();
        }
    }

    private static async Task<(int[] SpansById, UInt128[] Searched, string[] Services, string[] Values)> AnswersAsync(EmbeddedTraceStore store)
    {
        var spans = new List<int>();
        for (var block = 0; block < Blocks; block++)
        for (var t = 0; t < TracesPerBlock; t++)
        {
            var trace = await store.GetTraceAsync(new TraceId(TraceOf(block, t)), CancellationToken.None);
            spans.Add(trace?.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count)) ?? 0);
        }
        var matches = await store.FetchAsync(new FetchRequest(TimeRange.All, [Condition.Attribute("k8s.namespace.name", "ns2")], Limit: 100),
            CancellationToken.None);
        var services = await store.GetServicesAsync(CancellationToken.None);
        var values = await store.GetAttributeValuesAsync(AttributeScope.Span, "k8s.namespace.name", 100, CancellationToken.None);
        return ([.. spans], [.. matches.Select(m => m.Summary.TraceId.Value).Order()], [.. services], [.. values.Order()]);
    }
}
