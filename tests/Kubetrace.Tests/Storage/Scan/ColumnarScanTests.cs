using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using static Kubetrace.Tests.TestSupport.Spans;
using TraceIdValue = Kubetrace.Storage.TraceId;

namespace Kubetrace.Tests.Storage.Scan;

/// <summary>
/// The embedded store's columnar scan against the object scan (<see cref="TraceObjectScan"/>: fetch, read each
/// trace, flatten) on the same data, wherever the data lives, plus what each case must deliver.
/// </summary>
public class ColumnarScanTests
{
    private static readonly string[] Keys = ["k8s.namespace.name", "http.status_code", "cached", "ratio", "audit-id", "k8s.node.name", "missing"];
    private static readonly TimeRange Everything = new(0, long.MaxValue);

    private static long At(long ms) => (long)BaseTime + ms * 1_000_000;

    /// <summary>An apiserver → etcd trace with span and resource attributes of every type, a UUID, a link, an error.</summary>
    private static ExportTraceServiceRequest Rich(int trace, long offsetMs = 0, string ns = "default")
    {
        var root = Span(trace, trace * 10 + 1, 0, "GET /api/v1/pods", offsetMs, 100,
            ("k8s.namespace.name", ns), ("audit-id", $"0b5e3a4c-1d2f-4e6a-8b9c-0d1e2f3a4b{trace:x2}"));
        root.Attributes.Add(new KeyValue { Key = "http.status_code", Value = new AnyValue { IntValue = 200 } });
        root.Attributes.Add(new KeyValue { Key = "ratio", Value = new AnyValue { DoubleValue = 0.25 } });
        root.Attributes.Add(new KeyValue { Key = "cached", Value = new AnyValue { BoolValue = trace % 2 == 0 } });
        root.Links.Add(new Kubetrace.Otlp.Proto.Trace.Span.Types.Link { TraceId = TraceId(900 + trace), SpanId = SpanId(7) });
        var child = Span(trace, trace * 10 + 2, trace * 10 + 1, "etcdserverpb.KV/Range", offsetMs + 10, 20, ("k8s.namespace.name", "etcd-ns"));
        child.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "etcd timeout" };
        var apiserver = new ResourceSpans
        {
            Resource = new Resource { Attributes = { Attr("service.name", "apiserver"), Attr("k8s.node.name", "node-1") } },
            ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "k8s.io/apiserver" }, Spans = { root } } },
        };
        return Request(apiserver, Resource("etcd", child));
    }

    private static SpanScanRequest AllOf(TimeRange? range = null) => new(range ?? Everything, Keys);

    [Fact]
    public async Task From_the_head_the_scan_delivers_what_the_object_scan_does()
    {
        await using var temp = new TempStore();
        for (var t = 1; t <= 5; t++) await temp.AppendAsync(Rich(t, t * 1000, ns: $"ns-{t % 2}"));

        var traces = await ScanSnapshot.AssertSameAsFallbackAsync(temp.Store, AllOf());

        Assert.Equal(5, traces.Count);
        var first = traces[TraceIdValue.FromByteString(TraceId(1)).ToString()];
        Assert.Contains("apiserver/GET /api/v1/pods Server", first);
        Assert.Contains("values=[ns-1,200,false,0.25,0b5e3a4c-1d2f-4e6a-8b9c-0d1e2f3a4b01,node-1,-]", first);
        Assert.Contains($"links=[{TraceIdValue.FromByteString(TraceId(901))}:0000000000000007]", first);
        Assert.Contains("etcd/etcdserverpb.KV/Range Client", first);
        Assert.Contains("error=True message=etcd timeout values=[etcd-ns,-,-,-,-,-,-]", first);
    }

    [Fact]
    public async Task Event_value_keys_deliver_an_events_attribute_summed_over_the_spans_events_in_the_head_and_in_blocks()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, RowGroupSpans = 4 });
        for (var t = 1; t <= 6; t++)
        {
            var request = Rich(t, t * 1000);
            var root = request.ResourceSpans[0].ScopeSpans[0].Spans[0];
            root.Events.Add(Event("Write call succeeded", ("size", 1000 * t)));
            if (t % 2 == 0) root.Events.Add(Event("Write call succeeded", ("size", 5)));
            root.Events.Add(Event("Listed items from cache", ("count", t)));
            await temp.AppendAsync(request);
            if (t == 3) await temp.Store.FlushHeadAsync(); // three traces in blocks, three in the head
        }
        var keys = new[] { EventValueKey.Of("Write call succeeded", "size"), EventValueKey.Of("Listed items from cache", "count"), EventValueKey.Of("Write call succeeded", ""), EventValueKey.Of("Absent", "count") };

        var traces = await ScanSnapshot.AssertSameAsFallbackAsync(temp.Store, new SpanScanRequest(Everything, keys));

        Assert.Contains("values=[2005,2,2,-]", traces[TraceIdValue.FromByteString(TraceId(2)).ToString()]);
        Assert.Contains("values=[3000,3,1,-]", traces[TraceIdValue.FromByteString(TraceId(3)).ToString()]);
        Assert.Contains("values=[6005,6,2,-]", traces[TraceIdValue.FromByteString(TraceId(6)).ToString()]);
        Assert.Contains("values=[-,-,-,-]", traces[TraceIdValue.FromByteString(TraceId(6)).ToString()]); // the etcd span has no events
    }

    private static Kubetrace.Otlp.Proto.Trace.Span.Types.Event Event(string name, (string Key, long Value) attribute) => new()
    {
        Name = name, TimeUnixNano = BaseTime, Attributes = { new KeyValue { Key = attribute.Key, Value = new AnyValue { IntValue = attribute.Value } } },
    };

    [Fact]
    public async Task From_blocks_the_scan_delivers_what_the_object_scan_does()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, RowGroupSpans = 4 });
        for (var t = 1; t <= 9; t++) await temp.AppendAsync(Rich(t, t * 1000));
        await temp.Store.FlushHeadAsync();
        Assert.Equal(0, temp.Store.GetStats().HeadSpans);

        var traces = await ScanSnapshot.AssertSameAsFallbackAsync(temp.Store, AllOf());

        Assert.Equal(9, traces.Count);
        Assert.All(traces.Values, t => Assert.Equal(2, t.Split('\n').Length));
    }

    [Fact]
    public async Task A_trace_split_over_two_blocks_and_the_head_is_delivered_once_and_whole()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, RowGroupSpans = 2 });
        await temp.AppendAsync(Request(Resource("frontend", Span(1, 1, 0, "checkout", 0, 500))));
        await temp.AppendAsync(Rich(2, 100));
        await temp.Store.FlushHeadAsync();
        await temp.AppendAsync(Request(Resource("cart", Span(1, 2, 1, "add", 100, 50))));
        await temp.AppendAsync(Rich(3, 200));
        await temp.Store.FlushHeadAsync();
        await temp.AppendAsync(Request(Resource("payment", Span(1, 3, 1, "charge", 200, 50))));
        Assert.Equal(2, temp.Store.GetStats().Blocks);

        var traces = await ScanSnapshot.AssertSameAsFallbackAsync(temp.Store, AllOf());

        var split = traces[TraceIdValue.FromByteString(TraceId(1)).ToString()].Split('\n');
        Assert.Equal(3, split.Length);
        Assert.Contains(split, s => s.Contains("frontend/checkout", StringComparison.Ordinal));
        Assert.Contains(split, s => s.Contains("cart/add", StringComparison.Ordinal));
        Assert.Contains(split, s => s.Contains("payment/charge", StringComparison.Ordinal));
        Assert.Equal(3, traces.Count);
    }

    [Fact]
    public async Task A_trace_with_one_span_starting_in_the_range_is_delivered_whole_and_the_range_end_is_exclusive()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, RowGroupSpans = 2 });
        // Trace 1 starts before the range, its child starts at the range start: in, with both spans.
        await temp.AppendAsync(Request(Resource("a", Span(1, 1, 0, "root", 0, 5000), Span(1, 2, 1, "child", 1000, 10))));
        // Trace 2 starts at the range end: out. Trace 3 starts just before it: in.
        await temp.AppendAsync(Request(Resource("a", Span(2, 1, 0, "late", 3000, 10))));
        await temp.AppendAsync(Request(Resource("a", Span(3, 1, 0, "last", 2999, 10))));
        // Trace 4 lies before the range entirely, though it ends inside it: out.
        await temp.AppendAsync(Request(Resource("a", Span(4, 1, 0, "early", 500, 1000))));
        var range = new TimeRange(At(1000), At(3000));

        var inHead = await ScanSnapshot.AssertSameAsFallbackAsync(temp.Store, AllOf(range));
        await temp.Store.FlushHeadAsync();
        var inBlock = await ScanSnapshot.AssertSameAsFallbackAsync(temp.Store, AllOf(range));

        foreach (var traces in new[] { inHead, inBlock })
        {
            Assert.Equal([Id(1), Id(3)], traces.Keys);
            Assert.Equal(2, traces[Id(1)].Split('\n').Length);
        }
    }

    [Fact]
    public async Task A_services_filter_keeps_the_traces_touching_those_services_in_any_part()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Request(Resource("frontend", Span(1, 1, 0, "checkout", 0, 500))));
        await temp.AppendAsync(Request(Resource("frontend", Span(2, 1, 0, "browse", 0, 500))));
        await temp.Store.FlushHeadAsync();
        await temp.AppendAsync(Request(Resource("payment", Span(1, 2, 1, "charge", 100, 50))));
        await temp.AppendAsync(Rich(3));

        var request = AllOf() with { Services = new HashSet<string> { "payment", "etcd" } };
        var traces = await ScanSnapshot.AssertSameAsFallbackAsync(temp.Store, request);

        Assert.Equal([Id(1), Id(3)], traces.Keys);
        Assert.Contains("frontend/checkout", traces[Id(1)]);
    }

    [Fact]
    public async Task A_span_attribute_wins_over_the_resource_attribute_of_the_same_key()
    {
        await using var temp = new TempStore();
        var span = Span(1, 1, 0, "op", 0, 10, ("k8s.node.name", "from-span"));
        await temp.AppendAsync(Request(new ResourceSpans
        {
            Resource = new Resource { Attributes = { Attr("service.name", "kubelet"), Attr("k8s.node.name", "from-resource") } },
            ScopeSpans = { new ScopeSpans { Spans = { span, Span(1, 2, 1, "other", 1, 1) } } },
        }));
        await temp.Store.FlushHeadAsync();

        var traces = await ScanSnapshot.AssertSameAsFallbackAsync(temp.Store, new SpanScanRequest(Everything, ["k8s.node.name"]));

        Assert.Contains("kubelet/op Server", traces[Id(1)]);
        Assert.Contains("values=[from-span]", traces[Id(1)]);
        Assert.Contains("values=[from-resource]", traces[Id(1)]);
    }

    [Fact]
    public async Task Spans_handed_to_the_visitor_are_reused_but_clones_keep_their_values()
    {
        await using var temp = new TempStore();
        for (var t = 1; t <= 3; t++) await temp.AppendAsync(Rich(t, t * 1000, ns: $"ns-{t}"));
        var kept = new List<ScannedSpan>();
        await temp.Store.ScanAsync(AllOf(), trace => kept.AddRange(trace.Spans.Where(s => s.IsRoot).Select(s => s.Clone())), CancellationToken.None);

        Assert.Equal(["ns-1", "ns-2", "ns-3"], kept.Select(s => s.Values[0]).Order());
    }

    private static string Id(int trace) => TraceIdValue.FromByteString(TraceId(trace)).ToString();
}
