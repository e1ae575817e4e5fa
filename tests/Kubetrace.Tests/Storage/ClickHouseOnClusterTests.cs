using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A cluster given to Kubetrace by one endpoint and its name (<c>cluster:</c> without <c>shard_endpoints:</c>): every
/// table is created, and every migration runs, on every shard through ClickHouse's distributed DDL (<c>ON CLUSTER</c>,
/// ZooKeeper), as an operator whose servers share a ZooKeeper would run it. The two-shard test cluster with a real
/// ZooKeeper (Debian's package) stands in for theirs.
/// </summary>
public sealed class ClickHouseOnClusterTests : IAsyncLifetime
{
    private const int Traces = 40;
    private readonly ClickHouseOptions _options = ClickHouseTestServer.NewOnClusterOptions();
    private readonly List<ITraceStore> _opened = [];

    private IReadOnlyList<Uri> Shards => ClickHouseTestServer.SharedShards.Select(s => s.Endpoint).ToList();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _opened) await store.DisposeAsync();
        await ClickHouseTestServer.DropDatabaseAsync(Shards, _options.Database);
    }

    [RequiresClickHouseOnClusterFact]
    public async Task Tables_made_on_one_endpoint_exist_on_every_shard_and_every_trace_reads_back_whole_from_one_shard()
    {
        var writer = await OpenAsync();
        await AppendAsync(writer, TwoServiceTraces());

        var reader = await OpenAsync();
        await AssertEveryTraceWholeAsync(reader);
        // By a resource attribute: each resource is written once per INSERT, on one shard, for spans on both.
        var byResource = await reader.FetchAsync(new FetchRequest(TimeRange.All,
            [Condition.Attribute("service.name", "etcd", AttributeScope.Resource)], AllConditions: true, Traces * 2), CancellationToken.None);
        Assert.Equal(Traces, byResource.Count);
        var tables = await Task.WhenAll(Shards.Select(shard => ScalarAsync(shard,
            $"SELECT groupArray(name) FROM (SELECT name FROM system.tables WHERE database = '{_options.Database}' ORDER BY name)")));
        Assert.Contains("'spans_local'", tables[0]);
        Assert.Contains("'trace_index_local'", tables[0]);
        Assert.Equal(tables[0], tables[1]); // the same tables on both shards, though Kubetrace only spoke to the first
        var rows = await SpanRowsPerTraceAndShardAsync();
        Assert.All(rows, shard => Assert.NotEmpty(shard)); // both shards hold traces
        Assert.Equal(Traces, rows.SelectMany(shard => shard.Keys).Distinct().Count());
        Assert.Equal(Traces, rows.Sum(shard => shard.Count)); // and each trace is on one shard only
        Assert.Equal(Traces * 3L, rows.Sum(shard => shard.Values.Sum()));
    }

    [RequiresClickHouseOnClusterFact]
    public async Task A_version_3_cluster_is_migrated_to_this_version_on_every_shard_by_statements_sent_to_one_endpoint()
    {
        using (var http = new ClickHouseHttp(_options))
        {
            // Written as a Kubetrace of schema version 3 wrote it: tables on every shard, rows through the Distributed table.
            await new ClickHouseSchema(_options).MigrateAsync(http, CancellationToken.None, upTo: 3);
            await ClickHouseVersion2Rows.InsertAsync(http, TwoServiceTraces());
        }
        var before = await SpanRowsPerTraceAndShardAsync();
        Assert.All(before, shard => Assert.NotEmpty(shard));

        var store = await OpenAsync(); // migrates to version 4 ON CLUSTER

        foreach (var shard in Shards)
        {
            Assert.Equal(ClickHouseSchema.SpansSortingKey, await ScalarAsync(shard,
                $"SELECT sorting_key FROM system.tables WHERE database = '{_options.Database}' AND name = 'spans_local'"));
            Assert.Equal("[]", await ScalarAsync(shard,
                $"SELECT groupArray(name) FROM system.tables WHERE database = '{_options.Database}' AND name LIKE 'spans%v3'"));
        }
        Assert.Equal(before, await SpanRowsPerTraceAndShardAsync()); // every span kept, on the shard it was on
        await AssertEveryTraceWholeAsync(store);
        Assert.Equal($"{ClickHouseSchema.Version}", await ScalarAsync(Shards[0], $"SELECT max(version) FROM {_options.Database}.schema_migrations"));
        foreach (var shard in Shards) // version 5's key catalog views, made ON CLUSTER, on each shard
            Assert.Equal("['attribute_keys_local_resource_key_sets','attribute_keys_local_span_key_sets']", await ScalarAsync(shard,
                $"SELECT groupArray(name) FROM (SELECT name FROM system.tables WHERE database = '{_options.Database}' AND name LIKE 'attribute_keys_local_%' ORDER BY name)"));
    }

    [RequiresClickHouseOnClusterFact]
    public async Task Migrating_to_version_2_backfills_the_span_windows_of_every_shard()
    {
        // One trace per minute, so that each shard holds minutes the other does not.
        await ClickHouseVersion2Rows.CreateAsync(_options, TwoServiceTraces(spacingMs: 61_000), version: 1);
        var minutes = await ScalarAsync(Shards[0], $"SELECT groupUniqArray(intDiv(start_ns, {ClickHouseSchema.RollupWindowNanos})) " +
            $"FROM {_options.Database}.spans");
        Assert.All(await SpanRowsPerTraceAndShardAsync(), shard => Assert.NotEmpty(shard));

        // Version 2 alone (version 4's copy of the spans into their new order fills the windows again, which would hide
        // a backfill that missed a shard): its backfill runs ON CLUSTER on one server and must read every shard.
        using (var http = new ClickHouseHttp(_options))
            await new ClickHouseSchema(_options).MigrateAsync(http, CancellationToken.None, upTo: 2);

        // Read through the Distributed table: the windows of both shards' spans, merged.
        Assert.Equal(Sorted(minutes), Sorted(await ScalarAsync(Shards[0],
            $"SELECT groupUniqArray(minute) FROM (SELECT minute FROM {_options.Database}.span_windows GROUP BY minute HAVING maxMerge(last_written) > 0)")));

        static string Sorted(string array) => string.Join(",", array.Trim('[', ']').Split(',').Select(ulong.Parse).Order());
    }

    /// <summary>Each trace: the apiserver's request and its etcd call, and etcd's own span below it; traces
    /// <paramref name="spacingMs"/> apart.</summary>
    private static ExportTraceServiceRequest TwoServiceTraces(long spacingMs = 100) => Request(
        [.. Enumerable.Range(1, Traces).SelectMany(t => new[]
        {
            Resource("apiserver", Span(t, 1, 0, "GET /api/v1/pods", t * spacingMs, 50), Span(t, 2, 1, "etcd get", t * spacingMs + 1, 10)),
            Resource("etcd", Span(t, 3, 2, "etcdserverpb.KV/Range", t * spacingMs + 2, 5)),
        })]);

    private static async Task AssertEveryTraceWholeAsync(ITraceStore store)
    {
        for (var t = 1; t <= Traces; t++)
        {
            var trace = await store.GetTraceAsync(new TraceId((UInt128)t), CancellationToken.None);
            Assert.NotNull(trace);
            Assert.Equal(["GET /api/v1/pods", "etcd get", "etcdserverpb.KV/Range"],
                trace.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name).Order(StringComparer.Ordinal));
        }
    }

    /// <summary>Per shard, the span rows of each trace in its shard-local spans table.</summary>
    private async Task<List<Dictionary<string, long>>> SpanRowsPerTraceAndShardAsync()
    {
        var perShard = new List<Dictionary<string, long>>();
        foreach (var shard in Shards)
        {
            var lines = await ScalarAsync(shard, $"SELECT hex(trace_id), count() FROM {_options.Database}.spans_local GROUP BY trace_id FORMAT TSV");
            perShard.Add(lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
                .ToDictionary(f => f[0], f => long.Parse(f[1])));
        }
        return perShard;
    }

    private async Task<ITraceStore> OpenAsync()
    {
        var store = await ClickHouseTraceStore.OpenAsync(_options);
        _opened.Add(store);
        return store;
    }

    private static Task AppendAsync(ITraceStore store, ExportTraceServiceRequest request) =>
        store.AppendAsync(TraceBatch.FromEncoded(request.ToByteArray(), TraceBatch.CountSpans(request)), CancellationToken.None).AsTask();

    private static async Task<string> ScalarAsync(Uri server, string sql)
    {
        using var http = new HttpClient();
        using var answer = await http.PostAsync(server, new StringContent(sql));
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, $"{sql}\n{text}");
        return text.TrimEnd('\n');
    }
}
