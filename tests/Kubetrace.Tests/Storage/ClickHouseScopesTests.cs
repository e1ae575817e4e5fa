using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Schema version 8 on ClickHouse (docs/storage.md, "Scopes written once"): a span's instrumentation scope travels in its
/// resource's envelope, written once per INSERT, day and (resource, scope) rather than in every row; every span still
/// reads back with its own scope, a search by a key only a scope holds still finds it, and a version-7 database (each
/// row holding its scope) reads the same after the migration, beside spans written since.
/// </summary>
public sealed class ClickHouseScopesTests : IAsyncLifetime
{
    private const int Traces = 20;
    private const int SpansPerTrace = 5;

    private readonly ClickHouseBesideEmbedded _stores = new();

    /// <summary>One pod's resource with two scopes — otelhttp for the traces' servers, a client library with an attribute
    /// of its own for their calls — each over <see cref="Traces"/> × <see cref="SpansPerTrace"/> spans.</summary>
    private static ExportTraceServiceRequest TwoScopes(int firstTrace)
    {
        Span[] Spans(int first) => Enumerable.Range(firstTrace, Traces).SelectMany(t => Enumerable.Range(first, SpansPerTrace)
            .Select(s => Span(t, s, s == 1 ? 0 : 1, $"step {s}", t * 10 + s, 5, ("http.route", "/api/v1/pods")))).ToArray();
        var request = Request(Spans(1), "apiserver", ("k8s.pod.name", "apiserver-1"));
        var resource = request.ResourceSpans[0];
        resource.ScopeSpans[0].Scope = new InstrumentationScope { Name = "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", Version = "0.53.0" };
        resource.ScopeSpans[0].SchemaUrl = "https://opentelemetry.io/schemas/1.26.0";
        resource.ScopeSpans.Add(new ScopeSpans
        {
            Scope = new InstrumentationScope { Name = "k8s.io/client-go", Version = "1.31.0", Attributes = { Attr("client.library", "client-go") } },
            Spans = { Spans(1 + SpansPerTrace) },
        });
        return request;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _stores.DisposeAsync();

    [RequiresClickHouseFact]
    public async Task A_scope_is_written_once_per_resource_and_scope_and_every_span_reads_back_with_its_own()
    {
        var store = _stores.Open(ClickHouseTestServer.NewOptions());
        await _stores.AppendBothAsync(store, TwoScopes(1));

        Assert.Equal($"{2 * Traces * SpansPerTrace}", await ClickHouseBesideEmbedded.ScalarAsync(store, "SELECT count() FROM spans"));
        Assert.Equal("0", await ClickHouseBesideEmbedded.ScalarAsync(store, "SELECT countIf(length(scope) > 0) FROM spans"));
        Assert.Equal("2", await ClickHouseBesideEmbedded.ScalarAsync(store, "SELECT countIf(length(resource) > 0) FROM spans")); // one carrier per scope
        Assert.Equal("2", await ClickHouseBesideEmbedded.ScalarAsync(store, "SELECT count() FROM resources"));

        await _stores.AssertTracesAsWrittenAsync(store, 1, 7, Traces);
        Assert.Equal(Enumerable.Range(1, Traces), await FetchAsync(store, "client.library"));
        Assert.Equal(Traces, (await store.Store.FetchAsync(new FetchRequest(TimeRange.All,
            [Condition.Attribute("k8s.pod.name", "apiserver-1", AttributeScope.Resource)], AllConditions: true, 4 * Traces), CancellationToken.None)).Count);
    }

    [RequiresClickHouseFact]
    public async Task A_version_7_database_reads_its_spans_scopes_as_before_beside_spans_written_after_the_migration()
    {
        var options = ClickHouseTestServer.NewOptions();
        var old = TwoScopes(1);
        await ClickHouseObjectModelRows.CreateVersionAsync(options, old, version: 7);
        await _stores.Embedded.AppendAsync(old);

        var store = _stores.Open(options);
        await _stores.AppendBothAsync(store, TwoScopes(Traces + 1));

        Assert.Equal($"{ClickHouseSchema.Version}", await ClickHouseBesideEmbedded.ScalarAsync(store, "SELECT max(version) FROM schema_migrations"));
        Assert.Equal($"{2 * Traces * SpansPerTrace}", await ClickHouseBesideEmbedded.ScalarAsync(store, "SELECT countIf(length(scope) > 0) FROM spans")); // the old rows'
        await _stores.AssertTracesAsWrittenAsync(store, 1, Traces, Traces + 1, 2 * Traces);
        Assert.Equal(Enumerable.Range(1, 2 * Traces), await FetchAsync(store, "client.library"));
    }

    /// <summary>The traces whose spans may hold <paramref name="key"/> anywhere (a Jaeger tag search's fallback), by number.</summary>
    private static async Task<int[]> FetchAsync(ClickHouseTempStore store, string key) =>
        (await store.Store.FetchAsync(new FetchRequest(TimeRange.All, [Condition.Service("apiserver")], Limit: 4 * Traces) { AnywhereKeys = [key] },
            CancellationToken.None)).Select(m => (int)m.Summary.TraceId.Value).Order().ToArray();
}
