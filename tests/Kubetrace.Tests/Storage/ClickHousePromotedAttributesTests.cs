using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Schema versions 3 and 7 on ClickHouse (docs/storage.md, "Bytes per span"): the Kubernetes vocabulary's span
/// attributes in columns of their own and the duration instead of the end (3), and those keys out of the arrays (7).
/// The same spans are kept four ways — the embedded store, ClickHouse written by this build, ClickHouse written at
/// version 2 and at version 6 then migrated — and every store must give back each span exactly as written and answer
/// every condition on a promoted key, value list and key list alike.
/// </summary>
public sealed class ClickHousePromotedAttributesTests : IAsyncLifetime
{
    private const string AuditId = "0b5e3a4c-1d2f-4e6a-8b9c-0d1e2f3a4b5c";
    private readonly TempStore _embedded = new();
    private readonly ClickHouseTempStore _current = new();
    private readonly ClickHouseTempStore _migrated = new();
    private readonly ClickHouseTempStore _migratedFrom6 = new();

    /// <summary>One trace per case: promoted keys with string, typed, repeated, empty and unrepresentable values, on
    /// the span or only on the resource, beside keys that stay in the arrays, in an order the columns must not change.</summary>
    private static ExportTraceServiceRequest Cases()
    {
        var plain = Span(1, 1, 0, "GET /api/v1/namespaces/default/pods", 0, 20,
            ("http.method", "GET"), ("audit-id", AuditId), ("verb", "get"), ("namespace", "default"), ("resource", "pods"),
            ("url", "/api/v1/namespaces/default/pods"), ("user-agent", "kubectl/v1.34.0"), ("client", "10.0.0.7"));
        // A key twice (OTLP forbids it; it happens): the column takes the first, the arrays keep the second. Conditions
        // are not asked about such a key below: SQL reads the first value, the embedded store any (as before version 3).
        var repeated = Span(2, 1, 0, "LIST", 1, 20, ("verb", "list"), ("audit-id", AuditId.ToUpperInvariant()), ("resource", "pods"),
            ("namespace", "kube-system"), ("k8s.namespace.name", "kube-system"), ("resource", "leases"));
        var typed = Span(3, 1, 0, "typed", 2, 20);
        typed.Attributes.Add(Attr("namespace", 5));
        typed.Attributes.Add(Attr("audit-id", 42L));
        typed.Attributes.Add(Attr("verb", true));
        typed.Attributes.Add(Attr("url", new byte[] { 1, 2, 3 }));
        typed.Attributes.Add(Attr("name", 0.5));
        typed.Attributes.Add(new KeyValue
        {
            Key = "resource",
            Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = "pods" }, new AnyValue { IntValue = 2 } } } },
        });
        var onResource = Span(4, 1, 0, "on resource", 3, 20, ("verb", ""), ("audit-id", "00000000-0000-0000-0000-000000000000"));
        var unusual = Span(5, 1, 0, "unusual", 4, 20, ("audit-id", "not-a-uuid"), ("k8s.namespace.name", "default"), ("name", "true"),
            ("k8s.pod.name", "coredns-7db6d8ff4d-x2x9k"), ("url.path", "/healthz"), ("user_agent.original", "Go-http-client/2.0"),
            ("client.address", "10.0.0.8"));
        var backwards = Span(6, 1, 0, "ends before it starts", 5, 20, ("verb", "get"));
        backwards.EndTimeUnixNano = backwards.StartTimeUnixNano - 1_000;
        var child = Span(6, 2, 1, "child", 6, 1, ("namespace", "default"), ("audit-id", AuditId));

        var resourceHolder = Resource("kubelet", onResource);
        resourceHolder.Resource.Attributes.Add(Attr("namespace", "default"));
        resourceHolder.Resource.Attributes.Add(Attr("audit-id", AuditId));
        return Request(Resource("apiserver", plain, repeated, typed, unusual, backwards, child), resourceHolder);
    }

    public async Task InitializeAsync()
    {
        var request = Cases();
        await _embedded.AppendAsync(request);
        await _current.AppendAsync(request);
        await ClickHouseVersion2Rows.CreateAsync(_migrated.Options, request);
        await ClickHouseObjectModelRows.CreateVersion6Async(_migratedFrom6.Options, request);
    }

    public async Task DisposeAsync()
    {
        await _embedded.DisposeAsync();
        await _current.DisposeAsync();
        await _migrated.DisposeAsync();
        await _migratedFrom6.DisposeAsync();
    }

    private IEnumerable<(string Name, ITraceStore Store)> ClickHouseStores =>
        [("written by this build", _current.Store), ("written at version 2, migrated", _migrated.Store),
         ("written at version 6, migrated", _migratedFrom6.Store)];

    [RequiresClickHouseFact]
    public async Task Every_span_reads_back_as_written_whether_written_before_or_after_the_migration()
    {
        var request = Cases();
        foreach (var (name, store) in ClickHouseStores)
        {
            for (var trace = 1; trace <= 6; trace++)
            {
                var expected = new ExportTraceServiceRequest
                {
                    ResourceSpans = { await _embedded.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(trace)), CancellationToken.None) },
                };
                var stored = await store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(trace)), CancellationToken.None);
                Assert.NotNull(stored);
                var actual = new ExportTraceServiceRequest { ResourceSpans = { stored } };
                Assert.True(expected.Equals(actual), $"trace {trace} {name}:\n{actual}\nexpected\n{expected}");
            }
        }
        // ...and as sent, not only as the embedded store keeps it.
        var sent = request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Where(s => s.TraceId == TraceId(3)).Single();
        var read = (await _current.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(3)), CancellationToken.None))!
            .SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Single();
        Assert.Equal(sent, read);
    }

    [RequiresClickHouseFact]
    public async Task Promoted_values_live_in_their_columns_and_neither_their_keys_nor_their_values_in_the_arrays()
    {
        using var http = new ClickHouseHttp(_current.Options);
        var lines = await http.QueryLinesAsync(
            "SELECT span_id, a_verb, a_namespace, hex(a_audit_id), arrayStringConcat(attr_keys, '|'), arrayStringConcat(attr_values, '|'), " +
            "length(attr_types), end_ns, duration_ns FROM spans " +
            $"WHERE trace_id = unhex('{Convert.ToHexString(TraceId(1).ToByteArray())}')", CancellationToken.None);

        Assert.Equal($"1\tget\tdefault\t{AuditId.Replace("-", "").ToUpperInvariant()}\thttp.method\tGET\t1\t0\t20000000", Assert.Single(lines));
    }

    [RequiresClickHouseFact]
    public async Task Key_lists_name_the_promoted_keys_as_the_embedded_store_does()
    {
        foreach (var scope in new[] { AttributeScope.Span, AttributeScope.Resource, AttributeScope.Any })
        {
            var expected = await _embedded.Store.GetAttributeNamesAsync(scope, CancellationToken.None);
            foreach (var (name, store) in ClickHouseStores)
                Assert.True(expected.SequenceEqual(await store.GetAttributeNamesAsync(scope, CancellationToken.None)),
                    $"{name}, {scope}: [{string.Join(",", await store.GetAttributeNamesAsync(scope, CancellationToken.None))}], embedded [{string.Join(",", expected)}]");
        }
    }

    public static TheoryData<string, ConditionOp, string?, AttributeScope> Conditions => new()
    {
        { "namespace", ConditionOp.Equal, "default", AttributeScope.Span },
        { "namespace", ConditionOp.Equal, "default", AttributeScope.Any },
        { "namespace", ConditionOp.Equal, "default", AttributeScope.Resource },
        { "namespace", ConditionOp.Equal, "kube-system", AttributeScope.Span },
        { "namespace", ConditionOp.Equal, "5", AttributeScope.Span },
        { "namespace", ConditionOp.NotEqual, "default", AttributeScope.Span },
        { "namespace", ConditionOp.Exists, null, AttributeScope.Span },
        { "namespace", ConditionOp.Regex, "kube-.*", AttributeScope.Span },
        { "k8s.namespace.name", ConditionOp.Equal, "default", AttributeScope.Any },
        { "verb", ConditionOp.Equal, "", AttributeScope.Span },
        { "verb", ConditionOp.Equal, "get", AttributeScope.Span },
        { "verb", ConditionOp.Equal, "true", AttributeScope.Span },
        { "verb", ConditionOp.NotEqual, "get", AttributeScope.Span },
        { "verb", ConditionOp.Exists, null, AttributeScope.Span },
        { "k8s.pod.name", ConditionOp.Exists, null, AttributeScope.Span },
        { "resource", ConditionOp.Exists, null, AttributeScope.Span },
        { "name", ConditionOp.Equal, "true", AttributeScope.Span },
        { "url", ConditionOp.Equal, "AQID", AttributeScope.Span },
        { "audit-id", ConditionOp.Equal, AuditId, AttributeScope.Span },
        { "audit-id", ConditionOp.Equal, AuditId, AttributeScope.Any },
        { "audit-id", ConditionOp.Equal, AuditId.ToUpperInvariant(), AttributeScope.Span },
        { "audit-id", ConditionOp.Equal, "00000000-0000-0000-0000-000000000000", AttributeScope.Span },
        { "audit-id", ConditionOp.Equal, "not-a-uuid", AttributeScope.Span },
        { "audit-id", ConditionOp.Equal, "42", AttributeScope.Span },
        { "audit-id", ConditionOp.NotEqual, AuditId, AttributeScope.Span },
        { "audit-id", ConditionOp.Exists, null, AttributeScope.Span },
        { "audit-id", ConditionOp.Regex, "^0b5e.*", AttributeScope.Span },
        { "user_agent.original", ConditionOp.Equal, "Go-http-client/2.0", AttributeScope.Span },
        { "duration", ConditionOp.GreaterOrEqual, "10000000", AttributeScope.Intrinsic },
        { "duration", ConditionOp.Less, "10000000", AttributeScope.Intrinsic },
    };

    [RequiresClickHouseTheory]
    [MemberData(nameof(Conditions))]
    public async Task A_condition_on_a_promoted_key_finds_what_the_embedded_store_finds(string key, ConditionOp op, string? value, AttributeScope scope)
    {
        var request = new FetchRequest(TimeRange.All, [new Condition(scope, key, op, value)], Limit: 50);
        var expected = await TraceNumbersAsync(_embedded.Store, request);
        foreach (var (name, store) in ClickHouseStores)
        {
            var actual = await TraceNumbersAsync(store, request);
            Assert.True(expected.AsEnumerable().SequenceEqual(actual), $"{name}: [{string.Join(",", actual)}], embedded [{string.Join(",", expected)}]");
        }
    }

    private static async Task<int[]> TraceNumbersAsync(ITraceStore store, FetchRequest request) =>
        (await store.FetchAsync(request, CancellationToken.None)).Select(m => (int)m.Summary.TraceId.Value).Order().ToArray();

    [RequiresClickHouseFact]
    public async Task Value_lists_and_scans_see_promoted_values_as_the_embedded_store_does()
    {
        foreach (var key in new[] { "namespace", "audit-id", "verb", "url", "k8s.pod.name" })
        {
            var expected = await _embedded.Store.GetAttributeValuesAsync(AttributeScope.Span, key, 100, CancellationToken.None);
            foreach (var (name, store) in ClickHouseStores)
                Assert.Equal(expected, await store.GetAttributeValuesAsync(AttributeScope.Span, key, 100, CancellationToken.None));
        }

        var scan = new SpanScanRequest(TimeRange.All, ["namespace", "audit-id", "url", "user-agent", "client.address"]);
        var expectedSpans = await ScannedAsync(_embedded.Store, scan);
        foreach (var (name, store) in ClickHouseStores)
            Assert.Equal(expectedSpans, await ScannedAsync(store, scan));
    }

    private static async Task<List<string>> ScannedAsync(ITraceStore store, SpanScanRequest request)
    {
        var spans = new List<string>();
        await store.ScanAsync(request, trace =>
        {
            foreach (var span in trace.Spans)
                // Not the end: for a span that ends before it starts the embedded store's scan gives another end than
                // ClickHouse's (as before version 3); the values are what promotion changes.
                spans.Add($"{trace.TraceId} {span.SpanId} {span.StartUnixNano} {string.Join("|", span.Values.Select(v => v ?? "<none>"))}");
        }, CancellationToken.None);
        spans.Sort(StringComparer.Ordinal);
        return spans;
    }
}
