using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Schema version 4 on ClickHouse (docs/storage.md, "Trace by ID"): the spans table ordered by (minute of start, trace
/// ID, start), so that a trace's spans lie together and trace by ID reads one short range of it. A database written at
/// version 3 (ordered by service) is migrated in place, its spans copied into the new order, also when an earlier
/// migration stopped half-way; every trace then reads back as the embedded store gives it.
/// </summary>
public sealed class ClickHouseTraceOrderTests : IAsyncLifetime
{
    /// <summary>The key as system.tables shows it: minutes of start (60 s), then the trace, then the start.</summary>
    private const string TraceOrderedKey = "intDiv(start_ns, 60000000000), trace_id, start_ns";

    private readonly TempStore _embedded = new();
    private readonly List<ClickHouseTempStore> _clickHouse = [];

    /// <summary>Traces across services, a minute's end and midnight, in two requests (two inserts, two parts per day).</summary>
    private static IReadOnlyList<ExportTraceServiceRequest> Requests()
    {
        var midnight = (ulong)DateTimeOffset.UtcNow.Date.Subtract(DateTime.UnixEpoch).Ticks * 100;
        var beforeMidnight = Span(1, 1, 0, "GET /api/v1/pods", 0, 20, ("k8s.namespace.name", "default"));
        var afterMidnight = Span(1, 2, 1, "etcdserverpb.KV/Range", 0, 5);
        beforeMidnight.StartTimeUnixNano = midnight - 2_000_000_000;
        beforeMidnight.EndTimeUnixNano = midnight + 3_000_000_000;
        afterMidnight.StartTimeUnixNano = midnight + 1_000_000_000;
        afterMidnight.EndTimeUnixNano = midnight + 1_500_000_000;
        var minuteStart = BaseTime - BaseTime % 60_000_000_000;
        var acrossMinute = Span(2, 1, 0, "LIST pods", 0, 90_000);
        acrossMinute.StartTimeUnixNano = minuteStart + 50_000_000_000;
        acrossMinute.EndTimeUnixNano = minuteStart + 140_000_000_000;
        var laterMinute = Span(2, 2, 1, "SyncPod", 0, 10);
        laterMinute.StartTimeUnixNano = minuteStart + 130_000_000_000;
        laterMinute.EndTimeUnixNano = minuteStart + 131_000_000_000;
        return
        [
            Request(Resource("apiserver", beforeMidnight, acrossMinute, Span(3, 1, 0, "PATCH node", 100, 30, ("verb", "patch"))),
                Resource("etcd", afterMidnight, Span(3, 2, 1, "etcdserverpb.KV/Txn", 110, 5))),
            Request(Resource("kubelet", laterMinute, Span(3, 3, 1, "UpdateNodeStatus", 120, 2, ("k8s.pod.name", "node-1"))),
                Resource("apiserver", Span(4, 1, 0, "GET /healthz", 200, 1))),
        ];
    }

    public async Task InitializeAsync()
    {
        foreach (var request in Requests()) await _embedded.AppendAsync(request);
    }

    public async Task DisposeAsync()
    {
        await _embedded.DisposeAsync();
        foreach (var store in _clickHouse) await store.DisposeAsync();
    }

    [RequiresClickHouseFact]
    public async Task A_version_3_database_is_migrated_to_spans_ordered_by_trace_and_every_trace_reads_back_whole()
    {
        var options = ClickHouseTestServer.NewOptions();
        await WriteAtVersion3Async(options);

        var store = Open(options);
        await AssertEveryTraceAsWrittenAsync(store.Store);
        Assert.Equal(TraceOrderedKey, await ScalarAsync(options, "SELECT sorting_key FROM system.tables WHERE database = currentDatabase() AND name = 'spans'"));
        Assert.Equal("[]", await ScalarAsync(options, "SELECT groupArray(name) FROM system.tables WHERE database = currentDatabase() AND name LIKE 'spans_v%'"));
        Assert.Equal("8", await ScalarAsync(options, "SELECT count() FROM spans"));
        Assert.Equal($"{ClickHouseSchema.Version}", await ScalarAsync(options, "SELECT max(version) FROM schema_migrations"));

        // A second instance opening the migrated database changes nothing.
        await AssertEveryTraceAsWrittenAsync(Open(options).Store);
        Assert.Equal("8", await ScalarAsync(options, "SELECT count() FROM spans"));
    }

    [RequiresClickHouseFact]
    public async Task A_migration_that_stopped_after_renaming_the_old_table_resumes_and_loses_no_span()
    {
        var options = ClickHouseTestServer.NewOptions();
        await WriteAtVersion3Async(options);
        using (var http = new ClickHouseHttp(options))
            await http.ExecuteAsync("RENAME TABLE spans TO spans_v3", CancellationToken.None); // the migration's first step, then a crash

        await AssertEveryTraceAsWrittenAsync(Open(options).Store);
        Assert.Equal(TraceOrderedKey, await ScalarAsync(options, "SELECT sorting_key FROM system.tables WHERE database = currentDatabase() AND name = 'spans'"));
        Assert.Equal("8", await ScalarAsync(options, "SELECT count() FROM spans"));
    }

    [RequiresClickHouseFact]
    public async Task Trace_by_id_reads_one_granule_run_of_the_spans_table_not_one_per_service()
    {
        // 3,000 traces of four services within the same 50 seconds, beside the one looked up: ordered by service, its
        // spans were four ranges of ~6 granules each (every service's spans of those seconds).
        var minute = TimeRange.ToNanos(DateTimeOffset.UtcNow.AddHours(-1));
        var start = (ulong)(minute - minute % 60_000_000_000) + 5_000_000_000;
        var random = new Random(16);
        string[] services = ["apiserver", "etcd", "kubelet", "containerd"];
        var byService = services.ToDictionary(s => s, _ => new List<Span>());
        var wanted = RandomTraceId(random);
        for (var trace = 0; trace <= 3_000; trace++)
        {
            var traceId = trace == 0 ? wanted : RandomTraceId(random);
            for (var i = 0; i < 8; i++)
            {
                var offset = trace == 0 ? (ulong)i * 7_000_000_000 : (ulong)random.NextInt64(50_000_000_000);
                byService[services[i % 4]].Add(new Span
                {
                    TraceId = traceId, SpanId = SpanId(i + 1), ParentSpanId = SpanId(i), Name = $"op {i}",
                    StartTimeUnixNano = start + offset, EndTimeUnixNano = start + offset + 1_000_000,
                });
            }
        }
        var options = ClickHouseTestServer.NewOptions();
        var writer = Open(options);
        await writer.AppendAsync(Request(services.Select(s => Resource(s, [.. byService[s]])).ToArray()));

        // Read as a user whose queries the server logs (ClickHouseTestServer: user "logged").
        var reader = Open(options with { Username = ClickHouseTestServer.LoggedUser });
        var found = await reader.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(wanted), CancellationToken.None);
        Assert.Equal(8, found!.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Count());

        var hex = Convert.ToHexString(wanted.ToByteArray());
        // The query's log row can reach system.query_log after a flush that ran beside it (a CI run once read "[]"):
        // flush and read again until it is there.
        var rowsRead = "[]";
        await Wait.UntilAsync(async () =>
        {
            using (var http = new ClickHouseHttp(options)) await http.ExecuteAsync("SYSTEM FLUSH LOGS", CancellationToken.None);
            rowsRead = await ScalarAsync(options, $"SELECT groupArray(read_rows) FROM system.query_log WHERE type = 2 AND user = '{ClickHouseTestServer.LoggedUser}' " +
                $"AND query LIKE '%FROM spans PREWHERE%' AND positionCaseInsensitive(query, '{hex}') > 0");
            return rowsRead != "[]";
        }, "the trace lookup's row in system.query_log");
        var reads = rowsRead.Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToList();
        Assert.True(reads.Count == 1, $"one query of the spans table for the trace, logged: {rowsRead}");
        Assert.True(reads[0] <= 2 * 1024, $"the lookup read {reads[0]} rows of the spans table; one trace is at most two granules of 1024 rows");
    }

    private ClickHouseTempStore Open(ClickHouseOptions options)
    {
        var store = new ClickHouseTempStore(options);
        _clickHouse.Add(store);
        return store;
    }

    /// <summary>The requests as a Kubetrace of schema version 3 wrote them (every span with its resource, spans ordered by service).</summary>
    private static async Task WriteAtVersion3Async(ClickHouseOptions options)
    {
        using var http = new ClickHouseHttp(options);
        await new ClickHouseSchema(options).MigrateAsync(http, CancellationToken.None, upTo: 3);
        foreach (var request in Requests()) await ClickHouseVersion2Rows.InsertAsync(http, request);
    }

    private async Task AssertEveryTraceAsWrittenAsync(ITraceStore store)
    {
        for (var trace = 1; trace <= 4; trace++)
        {
            var id = Kubetrace.Storage.TraceId.FromByteString(TraceId(trace));
            var expected = new ExportTraceServiceRequest { ResourceSpans = { await _embedded.Store.GetTraceAsync(id, CancellationToken.None) } };
            var stored = await store.GetTraceAsync(id, CancellationToken.None);
            Assert.NotNull(stored);
            var actual = new ExportTraceServiceRequest { ResourceSpans = { stored } };
            Assert.True(expected.Equals(actual), $"trace {trace}:\n{actual}\nexpected\n{expected}");
        }
    }

    private static async Task<string> ScalarAsync(ClickHouseOptions options, string sql)
    {
        using var http = new ClickHouseHttp(options);
        return string.Join("\n", await http.QueryLinesAsync(sql, CancellationToken.None));
    }
}
