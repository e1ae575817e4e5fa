using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A retried write on ClickHouse (docs/storage.md, "Write semantics"). One INSERT writes the spans table and then, through
/// materialized views, the tables derived from it; on 18.16 a view that fails — here the resources table refusing a part
/// ("Too many parts", the classic insert failure) — fails the INSERT after the spans table has its part. The exporter
/// retries the batch, so its spans are then in the spans table twice (18.16 deduplicates a re-sent INSERT only for
/// Replicated tables). Every answer must still count each span once: ClickHouse answers as the embedded store given
/// the batch once — trace by ID, searches with their matched spans, the analyses' scans, dependencies.
/// </summary>
public sealed class ClickHouseRetryTests(ClickHouseRetryTests.RetriedBatch stores) : IClassFixture<ClickHouseRetryTests.RetriedBatch>
{
    private const int Traces = 20;
    private const int CallsPerTrace = 4;
    private const int SpanCount = Traces * (1 + CallsPerTrace);
    private const string Pod = "apiserver-1";

    [RequiresClickHouseFact]
    public async Task Trace_by_ID_returns_each_span_once()
    {
        await stores.WrittenAsync();
        for (var trace = 1; trace <= Traces; trace++)
        {
            var id = Kubetrace.Storage.TraceId.FromByteString(TraceId(trace));
            var expected = new ExportTraceServiceRequest { ResourceSpans = { await stores.Embedded.Store.GetTraceAsync(id, CancellationToken.None) } };
            var actual = new ExportTraceServiceRequest { ResourceSpans = { await stores.ClickHouse.Store.GetTraceAsync(id, CancellationToken.None) ?? [] } };
            Assert.True(expected.Equals(actual), $"trace {trace}:\n{actual}\nexpected\n{expected}");
        }
    }

    [RequiresClickHouseFact]
    public async Task A_search_counts_and_shows_each_matched_span_once()
    {
        await stores.WrittenAsync();
        var search = new FetchRequest(TimeRange.All, [Condition.Attribute("k8s.pod.name", Pod, AttributeScope.Resource)], AllConditions: true, 2 * Traces)
        {
            SpansPerTrace = 2 * CallsPerTrace,
        };
        Assert.Equal(Answers(await stores.Embedded.Store.FetchAsync(search, CancellationToken.None)),
            Answers(await stores.ClickHouse.Store.FetchAsync(search, CancellationToken.None)));
    }

    [RequiresClickHouseFact]
    public async Task The_analyses_scan_each_span_once()
    {
        await stores.WrittenAsync();
        Assert.Equal(await ScannedAsync(stores.Embedded.Store), await ScannedAsync(stores.ClickHouse.Store));
    }

    [RequiresClickHouseFact]
    public async Task Dependencies_count_each_call_once()
    {
        await stores.WrittenAsync();
        Assert.Equal(await stores.Embedded.Store.GetDependenciesAsync(TimeRange.All, CancellationToken.None),
            await stores.ClickHouse.Store.GetDependenciesAsync(TimeRange.All, CancellationToken.None));
    }

    /// <summary>Each trace as a search shows it: its span count and the matched spans (ID, start), one line per trace.</summary>
    private static string Answers(IReadOnlyList<TraceMatch> matches) => string.Join("\n", matches
        .Select(m => $"{m.Summary.TraceId}: {m.Summary.SpanCount} spans, matched " +
            string.Join(" ", m.Spans.Select(s => $"{s.SpanId:x}@{s.StartUnixNano}").Order(StringComparer.Ordinal)))
        .Order(StringComparer.Ordinal));

    /// <summary>The analyses' view: every scanned span (trace, ID, start, pod), one line each, sorted.</summary>
    private static async Task<string> ScannedAsync(ITraceStore store)
    {
        var scanned = new List<string>();
        await store.ScanAsync(new SpanScanRequest(TimeRange.All, ["k8s.pod.name"]), trace =>
            scanned.AddRange(trace.Spans.Select(s => $"{trace.TraceId} {s.SpanId:x}@{s.StartUnixNano} {s.Values[0]}")), CancellationToken.None);
        return string.Join("\n", scanned.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The batch in the embedded store once, and in ClickHouse by a first INSERT that failed in its resources step and
    /// the exporter's retry of the same batch (written once, at the first test that asks).
    /// </summary>
    public sealed class RetriedBatch : IAsyncLifetime
    {
        private readonly Lazy<Task> _written;

        public RetriedBatch() => _written = new(WriteAsync);

        internal TempStore Embedded { get; } = new();
        internal ClickHouseTempStore ClickHouse { get; } = new();

        public Task WrittenAsync() => _written.Value;

        /// <summary>A frontend's root span per trace calling the apiserver <see cref="CallsPerTrace"/> times, one call failing.</summary>
        private static ExportTraceServiceRequest Batch()
        {
            var frontend = Request(Enumerable.Range(1, Traces).Select(t => Span(t, 1, 0, "GET /pods", t * 10, 50)), "frontend");
            var apiserver = Request(Enumerable.Range(1, Traces).SelectMany(t => Enumerable.Range(2, CallsPerTrace)
                .Select(s => Span(t, s, 1, $"list {s}", t * 10 + s, 5, ("http.route", "/api/v1/pods")))), "apiserver",
                ("k8s.namespace.name", "kube-system"), ("k8s.pod.name", Pod));
            apiserver.ResourceSpans[0].ScopeSpans[0].Spans[0].Status = new() { Code = Kubetrace.Otlp.Proto.Trace.Status.Types.StatusCode.Error };
            return Request([.. frontend.ResourceSpans, .. apiserver.ResourceSpans]);
        }

        private async Task WriteAsync()
        {
            var request = Batch();
            await Embedded.AppendAsync(request);
            var batch = request.ToByteArray();
            _ = ClickHouse.Store; // opened: the schema is there

            await ResourcesRefuseWritesAsync();
            var failed = await Assert.ThrowsAsync<ConsumerException>(() => AppendAsync(batch));
            Assert.True(failed.IsRetryable, failed.Message);
            // What makes the retry a problem: the spans table was written before the view failed.
            Assert.Equal($"{SpanCount}", await ScalarAsync("SELECT count() FROM spans"));

            await ResourcesAcceptWritesAsync();
            await AppendAsync(batch); // the exporter's retry: the same batch again
        }

        private async Task AppendAsync(byte[] batch) =>
            await ClickHouse.Store.AppendAsync(TraceBatch.FromEncoded(batch, SpanCount), CancellationToken.None);

        /// <summary>
        /// The resources table swapped for one that refuses every INSERT: a part exists, and its settings allow one part
        /// per partition (a view writes to its target by name, so the next INSERT of spans finds this one).
        /// </summary>
        private async Task ResourcesRefuseWritesAsync()
        {
            await ExecuteAsync("CREATE TABLE resources_refusing AS resources ENGINE = ReplacingMergeTree PARTITION BY date ORDER BY res_hash " +
                "SETTINGS parts_to_delay_insert = 1, parts_to_throw_insert = 1");
            await ExecuteAsync("INSERT INTO resources_refusing (date, res_hash) VALUES (today(), toFixedString('', 16))");
            await ExecuteAsync("RENAME TABLE resources TO resources_writable, resources_refusing TO resources");
        }

        private Task ResourcesAcceptWritesAsync() =>
            ExecuteAsync("RENAME TABLE resources TO resources_refusing, resources_writable TO resources");

        private async Task ExecuteAsync(string sql)
        {
            using var http = new ClickHouseHttp(ClickHouse.Options);
            await http.ExecuteAsync(sql, CancellationToken.None);
        }

        private async Task<string> ScalarAsync(string sql)
        {
            using var http = new ClickHouseHttp(ClickHouse.Options);
            return string.Join("\n", await http.QueryLinesAsync(sql, CancellationToken.None));
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            await Embedded.DisposeAsync();
            await ClickHouse.DisposeAsync();
        }
    }
}
