using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.TailSampling;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.Processors.TailSampling.TailSamplingHarness;

namespace Kubetrace.Tests.Processors.TailSampling;

/// <summary>
/// Tail sampling buffers spans as their bytes and writes the kept ones back as bytes: what comes out must be what
/// went in (every field, resource, scope and schema URL), with only the tracestate changed, whether a trace is kept
/// at its decision or a span arrives after it.
/// </summary>
public class EncodedBufferingTests
{
    private static readonly PolicyConfig Always = new() { Name = "all", Type = "always_sample" };

    [Fact]
    public async Task Kept_spans_come_out_as_they_went_in_under_their_resources_and_scopes_with_only_the_tracestate_set()
    {
        var harness = new TailSamplingHarness(With(Always));
        var request = TwoGroups();

        await harness.Processor.ConsumeAsync(SampleRequests.Encoded(request), default);
        await harness.DecideAsync();

        var expected = request.Clone();
        foreach (var span in expected.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans))
            span.TraceState = span.TraceState.Length == 0 ? "ot=th:0" : "ot=th:0," + span.TraceState;
        var forwarded = Assert.Single(harness.Next.Received);
        Assert.True(forwarded.HasEncoded);
        Assert.Equal(expected, ExportTraceServiceRequest.Parser.ParseFrom(forwarded.Encoded.Span));
    }

    [Fact]
    public async Task A_late_span_follows_the_decision_and_keeps_its_resource_and_scope()
    {
        var harness = new TailSamplingHarness(With(Always));
        await harness.Send(Span(7, "first"));
        await harness.DecideAsync();
        var late = TwoGroups();

        await harness.Processor.ConsumeAsync(SampleRequests.Encoded(late), default);

        var forwarded = ExportTraceServiceRequest.Parser.ParseFrom(harness.Next.Received[^1].Encoded.Span);
        Assert.Equal(late.ResourceSpans.Select(r => r.Resource), forwarded.ResourceSpans.Select(r => r.Resource));
        Assert.Equal(late.ResourceSpans.Select(r => r.SchemaUrl), forwarded.ResourceSpans.Select(r => r.SchemaUrl));
        Assert.Equal(late.ResourceSpans.Select(r => r.ScopeSpans[0].Scope), forwarded.ResourceSpans.Select(r => r.ScopeSpans[0].Scope));
        Assert.Equal(["a1", "a2", "b1"], forwarded.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name));
    }

    [Fact]
    public async Task Spans_of_one_request_are_regrouped_per_trace_and_dropped_traces_leave_nothing_behind()
    {
        var harness = new TailSamplingHarness(With(new PolicyConfig { Name = "errors", Type = "status_code", StatusCode = new() { StatusCodes = ["ERROR"] } }));
        await harness.Processor.ConsumeAsync(SampleRequests.Encoded(Spans.Request([Span(1, "kept", status: Status.Types.StatusCode.Error), Span(2, "dropped"), Span(1, "kept-too")])), default);

        await harness.DecideAsync();

        Assert.Equal(["kept", "kept-too"], harness.Forwarded.Select(s => s.Name));
        Assert.Equal([1], harness.ForwardedTraces);
    }

    /// <summary>Trace 7 in two resource groups with their own schema URLs, scopes (name, version, attributes),
    /// and spans carrying every kind of field (a tracestate of another vendor, events, links, status, flags).</summary>
    private static ExportTraceServiceRequest TwoGroups()
    {
        var a = Spans.Request([Span(7, "a1"), Span(7, "a2")], "apiserver", ("k8s.node.name", "node-1")).ResourceSpans[0];
        var b = Spans.Request([Span(7, "b1")], "kubelet").ResourceSpans[0];
        a.SchemaUrl = "https://opentelemetry.io/schemas/1.24.0";
        a.ScopeSpans[0].Scope = new InstrumentationScope { Name = "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", Version = "0.53.0", Attributes = { Spans.Attr("x", 1) } };
        a.ScopeSpans[0].SchemaUrl = "https://opentelemetry.io/schemas/1.20.0";
        var rich = a.ScopeSpans[0].Spans[1];
        rich.TraceState = "vendor=x";
        rich.Flags = 0x301;
        rich.Kind = global::Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind.Client;
        rich.Events.Add(new global::Kubetrace.Otlp.Proto.Trace.Span.Types.Event { Name = "Request completed", TimeUnixNano = rich.StartTimeUnixNano + 5 });
        rich.Links.Add(new global::Kubetrace.Otlp.Proto.Trace.Span.Types.Link { TraceId = TraceId(8), SpanId = ByteString.CopyFrom(new byte[8] { 1, 2, 3, 4, 5, 6, 7, 8 }) });
        rich.Status = new Status { Code = Status.Types.StatusCode.Ok, Message = "fine" };
        return new ExportTraceServiceRequest { ResourceSpans = { a, b } };
    }
}
