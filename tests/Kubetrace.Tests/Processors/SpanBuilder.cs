using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Processors;

/// <summary>Spans and requests for the sampling and attribute processors' tests, with attributes written as pairs.</summary>
internal static class SpanBuilder
{
    public static ByteString RandomTraceId(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }

    public static Span Span(ByteString traceId, string name = "span", string traceState = "", params (string Key, object Value)[] attributes)
    {
        var span = new Span
        {
            TraceId = traceId,
            SpanId = ByteString.CopyFrom([1, 2, 3, 4, 5, 6, 7, 8]),
            Name = name,
            TraceState = traceState,
            Kind = global::Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind.Server,
            StartTimeUnixNano = 1_000_000_000,
            EndTimeUnixNano = 1_500_000_000,
        };
        span.Attributes.AddRange(attributes.Select(a => Attribute(a.Key, a.Value)));
        return span;
    }

    public static KeyValue Attribute(string key, object value) => new() { Key = key, Value = Value(value) };

    public static AnyValue Value(object value) => value switch
    {
        string s => new AnyValue { StringValue = s },
        bool b => new AnyValue { BoolValue = b },
        int i => new AnyValue { IntValue = i },
        long l => new AnyValue { IntValue = l },
        double d => new AnyValue { DoubleValue = d },
        byte[] bytes => new AnyValue { BytesValue = ByteString.CopyFrom(bytes) },
        _ => throw new ArgumentException($"unsupported attribute value {value.GetType()}"),
    };

    public static ExportTraceServiceRequest Request(IEnumerable<Span> spans, string service = "svc", params (string Key, object Value)[] resource)
    {
        var resourceSpans = new ResourceSpans { Resource = new Resource { Attributes = { Attribute("service.name", service) } } };
        resourceSpans.Resource.Attributes.AddRange(resource.Select(a => Attribute(a.Key, a.Value)));
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } };
        scope.Spans.AddRange(spans);
        resourceSpans.ScopeSpans.Add(scope);
        return new ExportTraceServiceRequest { ResourceSpans = { resourceSpans } };
    }

    public static TraceBatch Batch(params Span[] spans) => TraceBatch.FromRequest(Request(spans));

    public static IEnumerable<Span> Spans(IEnumerable<TraceBatch> batches) =>
        from batch in batches
        from resource in batch.Request.ResourceSpans
        from scope in resource.ScopeSpans
        from span in scope.Spans
        select span;

    public static string? StringAttribute(this Span span, string key) =>
        span.Attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;
}
