using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.Storage;

/// <summary>Builders for test spans with readable defaults.</summary>
internal static class Spans
{
    public static readonly ulong BaseTime = (ulong)(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds() * 1_000_000);

    /// <summary>Unix nanoseconds of <paramref name="ms"/> milliseconds after <see cref="BaseTime"/>.</summary>
    public static long StartNanos(long ms) => (long)BaseTime + ms * 1_000_000;

    public static ByteString TraceId(int n) => ByteString.CopyFrom(Convert.FromHexString($"{n:x32}".PadLeft(32, '0')));

    public static ByteString SpanId(int n) => n == 0 ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString($"{n:x16}"));

    public static Span Span(int trace, int id, int parent, string name, long startMs = 0, long durationMs = 10,
        params (string Key, string Value)[] attributes)
    {
        var span = new Span
        {
            TraceId = TraceId(trace),
            SpanId = SpanId(id),
            ParentSpanId = SpanId(parent),
            Name = name,
            Kind = parent == 0 ? Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind.Server : Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind.Client,
            StartTimeUnixNano = BaseTime + (ulong)(startMs * 1_000_000),
            EndTimeUnixNano = BaseTime + (ulong)((startMs + durationMs) * 1_000_000),
        };
        foreach (var (key, value) in attributes) span.Attributes.Add(Attr(key, value));
        return span;
    }

    public static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static ResourceSpans Resource(string service, params Span[] spans) => new()
    {
        Resource = new Resource { Attributes = { Attr("service.name", service) } },
        ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "test" }, Spans = { spans } } },
    };

    public static ExportTraceServiceRequest Request(params ResourceSpans[] resources) => new() { ResourceSpans = { resources } };
}
