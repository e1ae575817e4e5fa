using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

public class TraceRoundTripTests
{
    /// <summary>A trace using every OTLP field the store must keep, across two resources and two scopes.</summary>
    private static ExportTraceServiceRequest EveryField()
    {
        var root = Span(1, 1, 0, "GET /api/v1/pods", 0, 100,
            ("k8s.namespace.name", "default"), ("k8s.audit.id", "0b5e3a4c-1d2f-4e6a-8b9c-0d1e2f3a4b5c"),
            ("audit.upper", "0B5E3A4C-1D2F-4E6A-8B9C-0D1E2F3A4B5C"));
        root.Attributes.Add(new KeyValue { Key = "http.status_code", Value = new AnyValue { IntValue = 200 } });
        root.Attributes.Add(new KeyValue { Key = "ratio", Value = new AnyValue { DoubleValue = 0.25 } });
        root.Attributes.Add(new KeyValue { Key = "cached", Value = new AnyValue { BoolValue = true } });
        root.Attributes.Add(new KeyValue { Key = "raw", Value = new AnyValue { BytesValue = ByteString.CopyFromUtf8("\u0001\u0002") } });
        root.Attributes.Add(new KeyValue
        {
            Key = "list",
            Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = "a" }, new AnyValue { IntValue = 2 } } } },
        });
        root.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "etcd timeout" };
        root.TraceState = "vendor=1";
        root.Flags = 0x301;
        root.DroppedAttributesCount = 3;
        root.DroppedEventsCount = 1;
        root.DroppedLinksCount = 2;
        root.Events.Add(new Kubetrace.Otlp.Proto.Trace.Span.Types.Event
        {
            TimeUnixNano = root.StartTimeUnixNano + 5, Name = "retry", Attributes = { Attr("attempt", "2") }, DroppedAttributesCount = 1,
        });
        root.Links.Add(new Kubetrace.Otlp.Proto.Trace.Span.Types.Link
        {
            TraceId = TraceId(99), SpanId = SpanId(7), TraceState = "x=y", Attributes = { Attr("link.kind", "follows") }, Flags = 1,
        });
        var child = Span(1, 2, 1, "etcdserverpb.KV/Range", 10, 20, ("db.system", "etcd"));
        child.Status = new Status { Code = Status.Types.StatusCode.Ok };
        var internalSpan = Span(1, 3, 2, "serialize", 12, 1);
        internalSpan.Kind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind.Internal;

        var apiserver = new ResourceSpans
        {
            Resource = new Resource { Attributes = { Attr("service.name", "apiserver"), Attr("k8s.node.name", "node-1") }, DroppedAttributesCount = 1 },
            SchemaUrl = "https://opentelemetry.io/schemas/1.26.0",
            ScopeSpans =
            {
                new ScopeSpans
                {
                    Scope = new InstrumentationScope { Name = "k8s.io/apiserver", Version = "1.31", Attributes = { Attr("scope.attr", "v") } },
                    SchemaUrl = "https://opentelemetry.io/schemas/1.25.0",
                    Spans = { root },
                },
                new ScopeSpans { Scope = new InstrumentationScope { Name = "serializer" }, Spans = { internalSpan } },
            },
        };
        return Request(apiserver, Resource("etcd", child));
    }

    private static async Task AssertStoredExactly(ITraceStore store, ExportTraceServiceRequest expected)
    {
        var stored = await store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(1)), CancellationToken.None);
        Assert.NotNull(stored);
        var actual = new ExportTraceServiceRequest { ResourceSpans = { stored } };
        Assert.Equal(expected.ToString(), actual.ToString()); // readable diff
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task A_trace_read_from_the_head_equals_what_was_appended_in_every_field()
    {
        await using var temp = new TempStore();
        var request = EveryField();
        await temp.AppendAsync(request);
        await AssertStoredExactly(temp.Store, request);
    }

    [Fact]
    public async Task A_trace_read_from_a_block_equals_what_was_appended_in_every_field()
    {
        await using var temp = new TempStore();
        var request = EveryField();
        await temp.AppendAsync(request);
        await temp.Store.FlushHeadAsync();
        Assert.Equal(1, temp.Store.GetStats().Blocks);
        await AssertStoredExactly(temp.Store, request);
    }

    [Fact]
    public async Task A_trace_survives_a_clean_restart_and_a_block_reopen()
    {
        await using var temp = new TempStore();
        var request = EveryField();
        await temp.AppendAsync(request);
        await AssertStoredExactly(await temp.RestartAsync(), request);   // from WAL replay
        await temp.Store.FlushHeadAsync();
        await AssertStoredExactly(await temp.RestartAsync(), request);   // from the block file
    }

    [Fact]
    public async Task Spans_of_one_trace_split_between_a_block_and_the_head_are_returned_together()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Request(Resource("apiserver", Span(1, 1, 0, "root", 0, 100))));
        await temp.Store.FlushHeadAsync();
        await temp.AppendAsync(Request(Resource("etcd", Span(1, 2, 1, "child", 10, 10))));

        var stored = await temp.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(1)), CancellationToken.None);

        Assert.Equal(["root", "child"], stored!.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name).Order().Reverse());
    }

    [Fact]
    public async Task A_long_trace_keeps_every_parent_link_and_dependency_edge_in_a_block()
    {
        // 60 spans (the block writer searches parents differently above 32), a chain alternating apiserver and
        // etcd, sent newest first, with one span whose parent is not in the store.
        var spans = Enumerable.Range(1, 60).Reverse()
            .Select(i => (Service: i % 2 == 1 ? "apiserver" : "etcd", Span: Span(1, i, i == 1 ? 0 : i == 40 ? 999 : i - 1, $"step {i}", i, 100 - i)))
            .ToList();
        await using var temp = new TempStore();
        await temp.AppendAsync(Request(spans.Select(s => Resource(s.Service, s.Span)).ToArray()));
        await temp.Store.FlushHeadAsync();

        var stored = await temp.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(1)), CancellationToken.None);
        var links = stored!.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => (s.SpanId, s.ParentSpanId)).OrderBy(l => l.SpanId.ToBase64());
        Assert.Equal(spans.Select(s => (s.Span.SpanId, s.Span.ParentSpanId)).OrderBy(l => l.SpanId.ToBase64()), links);
        var edges = await temp.Store.GetDependenciesAsync(TimeRange.All, CancellationToken.None);
        // 59 parent-child pairs, one of them (39 → 40) broken: 29 calls each way.
        Assert.Equal([new DependencyEdge("apiserver", "etcd", 29, 0), new DependencyEdge("etcd", "apiserver", 29, 0)], edges);
    }

    [Fact]
    public async Task Children_that_start_before_their_parent_keep_their_parent_in_a_block()
    {
        // Rows are sorted by start time, so with another host's clock running ahead (etcd under the apiserver) or
        // equal starts a child's row comes before its parent's. Two traces, so a parent resolved from the wrong
        // trace's rows would show.
        Span[] first = [Span(1, 1, 0, "root", 10, 100), Span(1, 2, 1, "skewed child", 5, 20), Span(1, 3, 2, "skewed grandchild", 0, 10), Span(1, 4, 1, "same start", 10, 5)];
        Span[] second = [Span(2, 11, 0, "root", 10, 100), Span(2, 12, 11, "skewed child", 2, 20)];
        await using var temp = new TempStore();
        await temp.AppendAsync(Request(Resource("apiserver", first[0], first[3]), Resource("etcd", first[1], first[2]),
            Resource("apiserver", second)));
        await temp.Store.FlushHeadAsync();
        Assert.Equal(1, temp.Store.GetStats().Blocks);

        foreach (var (trace, spans) in new[] { (1, first), (2, second) })
        {
            var stored = await temp.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(trace)), CancellationToken.None);
            var links = stored!.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => (s.Name, s.SpanId, s.ParentSpanId)).OrderBy(l => l.Name);
            Assert.Equal(spans.Select(s => (s.Name, s.SpanId, s.ParentSpanId)).OrderBy(l => l.Name), links);
        }
    }

    [Fact]
    public async Task An_unknown_trace_is_null()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Request(Resource("apiserver", Span(1, 1, 0, "root"))));
        Assert.Null(await temp.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(2)), CancellationToken.None));
    }
}
