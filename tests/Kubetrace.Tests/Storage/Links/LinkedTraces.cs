using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;
using TraceId = Kubetrace.Storage.TraceId;

namespace Kubetrace.Tests.Storage.Links;

/// <summary>
/// Traces that link to two targets (1 and 2), the way apiserver requests link to their callers: trace 10's root
/// links to trace 1; one span of trace 11 links to both; trace 12 links to trace 1 only at 900 ms; trace 13 links
/// to a trace that is not asked about, trace 14 has an event but no link, trace 15 has no extras at all.
/// </summary>
internal static class LinkedTraces
{
    public static TraceId Id(int trace) => TraceId.FromByteString(Spans.TraceId(trace));

    public static Span Linking(int trace, int id, int parent, long startMs, params int[] targets)
    {
        var span = Span(trace, id, parent, "GET /api/v1/namespaces/{:namespace}/configmaps/{:name}", startMs);
        foreach (var target in targets) span.Links.Add(new Span.Types.Link { TraceId = Spans.TraceId(target), SpanId = SpanId(7) });
        return span;
    }

    public static ExportTraceServiceRequest Request() => Spans.Request(
        Resource("kubelet", Span(1, 7, 0, "syncPod", 0, 1000), Span(2, 7, 0, "syncPod", 0, 1000)),
        Resource("apiserver",
            Linking(10, 1, 0, 100, 1),
            Span(11, 1, 0, "reconcile", 150, 100), Linking(11, 2, 1, 200, 1, 2),
            Linking(12, 1, 0, 900, 1),
            Linking(13, 1, 0, 300, 99),
            WithEvent(Span(14, 1, 0, "GET", 400)),
            Span(15, 1, 0, "GET", 500)));

    /// <summary>Every (linking trace, target, start) of <see cref="Request"/> for targets 1 and 2, latest first.</summary>
    public static LinkingTrace[] Expected =>
    [
        new(Id(12), Id(1), StartNanos(900)),
        new(Id(11), Id(1), StartNanos(200)),
        new(Id(11), Id(2), StartNanos(200)),
        new(Id(10), Id(1), StartNanos(100)),
    ];

    public static TraceId[] Targets => [Id(1), Id(2)];

    private static Span WithEvent(Span span)
    {
        span.Events.Add(new Span.Types.Event { Name = "retry", TimeUnixNano = span.StartTimeUnixNano });
        return span;
    }

    public static byte[] Bytes() => Request().ToByteArray();
}
