using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Storage.ClickHouse;

namespace Kubetrace.Tests.Exporters;

/// <summary>
/// The <c>kubetrace</c> exporter's <c>max_bytes_per_trace</c> (Tempo's override of that name) as a client sees it:
/// an OTLP export whose spans take a trace past the limit is answered 200 with partial_success counting the refused
/// spans and naming the limit, the store counts them in <c>kubetrace_exporter_discarded_spans{reason="trace_too_large"}</c>
/// per tenant, a tenant's <c>overrides</c> entry sets its own limit, and bad values are config errors at their key.
/// </summary>
public sealed class MaxBytesPerTraceExportTests
{
    [Fact]
    public async Task An_export_over_the_limit_is_a_partial_success_counted_per_tenant_and_a_tenants_override_holds()
    {
        using var data = new TempDirectory();
        await ExportOverTheLimitAsync("kubetrace", $"path: {data.Path}\nretention: 0s", async () =>
        {
            Assert.Equal(["1:1", "1:2", "2:4"], await EmbeddedSpansAsync(Path.Combine(data.Path, "tenants", "globex")));
            Assert.Equal(["1:1", "1:2", "1:3", "1:5", "2:4"], await EmbeddedSpansAsync(Path.Combine(data.Path, "tenants", "acme")));
        });
    }

    /// <summary>The same on the ClickHouse store, one mechanism (Storage/TraceSizeGate): the refused spans are not stored.</summary>
    [RequiresClickHouseFact]
    public async Task The_clickhouse_exporter_refuses_the_same_spans_the_same_way_and_stores_none_of_them()
    {
        var database = ClickHouseTestServer.NewDatabase();
        try
        {
            await ExportOverTheLimitAsync("clickhouse", $"endpoint: {ClickHouseTestServer.Shared.Endpoint}\ndatabase: {database}\nttl: 0s\nrollups: false",
                async () =>
                {
                    Assert.Equal(["1:1", "1:2", "2:4"], await StoredSpansAsync(TenantDatabases.Of(database, "globex")));
                    Assert.Equal(["1:1", "1:2", "1:3", "1:5", "2:4"], await StoredSpansAsync(TenantDatabases.Of(database, "acme")));
                });
        }
        finally
        {
            foreach (var each in new[] { database, TenantDatabases.Of(database, "globex"), TenantDatabases.Of(database, "acme") })
                await ClickHouseTestServer.DropDatabaseAsync([ClickHouseTestServer.Shared.Endpoint], each);
        }
    }

    /// <summary>globex (limit 4 KiB): trace 1 takes 3 KB, then a request adding 1.5 KB more to it is refused with trace 1's
    /// other span in that request, while trace 2's span passes; acme's override (1 MB) takes everything.</summary>
    private static async Task ExportOverTheLimitAsync(string exporter, string settings, Func<Task> stored)
    {
        var (service, ports) = await ServiceTestHost.StartOnFreshAsync(1, ports => new TestServiceConfig(ports[0])
            .TopLevel("multitenancy_enabled: true")
            .Exporter(exporter, $"""
                {settings}
                max_bytes_per_trace: 4KiB
                overrides:
                  acme:
                    max_bytes_per_trace: 1MB
                """).Yaml);
        var url = $"http://127.0.0.1:{ports[0]}/v1/traces";
        try
        {
            var first = await ExportAsync(url, "globex", Sized(1, 1, 1500), Sized(1, 2, 1500));
            var second = await ExportAsync(url, "globex", Sized(1, 3, 1500), Sized(2, 4, 100), Sized(1, 5, 100));
            var overridden = new[]
            {
                await ExportAsync(url, "acme", Sized(1, 1, 1500), Sized(1, 2, 1500)),
                await ExportAsync(url, "acme", Sized(1, 3, 1500), Sized(2, 4, 100), Sized(1, 5, 100)),
            };

            Assert.Null(first.PartialSuccess);
            Assert.Equal(2, second.PartialSuccess.RejectedSpans);
            Assert.StartsWith("2 of 3 spans refused: TRACE_TOO_LARGE: max size of trace (4096) exceeded while adding ", second.PartialSuccess.ErrorMessage);
            Assert.EndsWith("(max_bytes_per_trace)", second.PartialSuccess.ErrorMessage);
            Assert.All(overridden, answer => Assert.Null(answer.PartialSuccess));
            var metrics = service.Metrics.Render();
            Assert.Contains($"kubetrace_exporter_discarded_spans_total{{exporter=\"{exporter}\",reason=\"trace_too_large\",tenant=\"globex\"}} 2\n", metrics);
            Assert.Contains($"kubetrace_exporter_discarded_spans_total{{exporter=\"{exporter}\",reason=\"trace_too_large\",tenant=\"acme\"}} 0\n", metrics);
        }
        finally
        {
            await service.ShutdownAsync();
        }
        await stored(); // once the service has let go of its stores
    }

    /// <summary>The spans of traces 1 and 2 in the embedded store at <paramref name="directory"/> as "trace:span"
    /// (the test's small numbers), in order.</summary>
    private static async Task<List<string>> EmbeddedSpansAsync(string directory)
    {
        await using var store = Kubetrace.Storage.EmbeddedTraceStore.Open(new Kubetrace.Storage.StoreOptions { Directory = directory, Retention = TimeSpan.Zero });
        var spans = new List<string>();
        foreach (var t in new[] { 1, 2 })
        {
            var found = await store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(Spans.TraceId(t)), CancellationToken.None) ?? [];
            spans.AddRange(found.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)
                .Select(span => $"{t}:{System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(span.SpanId.Span)}"));
        }
        return spans.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The spans of a database as "trace:span" (the test's small numbers), in order.</summary>
    private static async Task<List<string>> StoredSpansAsync(string database)
    {
        using var http = new ClickHouseHttp(ClickHouseTestServer.NewOptions() with { Database = database });
        var lines = await http.QueryLinesAsync("SELECT reinterpretAsUInt8(substring(trace_id, 16, 1)), span_id FROM spans", CancellationToken.None);
        return lines.Select(line => line.Replace('\t', ':')).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void Bad_values_are_config_errors_naming_the_key()
    {
        var errors = new TestServiceConfig()
            .TopLevel("multitenancy_enabled: true")
            .OtlpHttp()
            .Exporter("kubetrace", """
                path: /tmp/unused
                max_bytes_per_trace: lots
                overrides:
                  acme:
                    max_bytes_per_trace: 5
                """)
            .Exporter("clickhouse", """
                max_bytes_per_trace: 1
                overrides:
                  acme:
                    max_bytes_per_trace: 5MB
                """).Load().Errors.Select(e => e.ToString()).ToList();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.EndsWith("exporters::kubetrace::max_bytes_per_trace: \"lots\" is not a size; write e.g. 5MB, 10MiB or 5000000 (0: no limit)"));
        Assert.Contains(errors, e => e.EndsWith("exporters::kubetrace::overrides::acme::max_bytes_per_trace: must be 0 (no limit) or at least 1024 bytes (got 5); write e.g. 5MB"));
        Assert.Contains(errors, e => e.EndsWith("exporters::clickhouse::max_bytes_per_trace: must be 0 (no limit) or at least 1024 bytes (got 1); write e.g. 5MB"));
    }

    private static OtlpSpan Sized(int trace, int id, int payloadBytes) =>
        Spans.Span(trace, id, 0, "op", attributes: ("payload", new string('x', payloadBytes)));

    private static async Task<ExportTraceServiceResponse> ExportAsync(string url, string tenant, params OtlpSpan[] spans)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add(Tenants.HeaderName, tenant);
        using var content = new ByteArrayContent(Spans.Request(spans.AsEnumerable()).ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await http.PostAsync(url, content);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        return ExportTraceServiceResponse.Parser.ParseFrom(body);
    }
}
