using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// The tests' one set of span builders, with readable defaults: numbered trace and span ids, times in milliseconds
/// after <see cref="BaseTime"/> (recent, so stores keep them), attributes as key/value pairs, a resource per service.
/// Multi-service traces with parents and kinds are built with <see cref="TraceBuilder"/>.
/// </summary>
internal static class Spans
{
    /// <summary>When this type first loaded (less <see cref="TestDataAge.Extra"/>): the "now" of all data built here,
    /// one time for the whole test process, so data made late in a long suite run lies as far back as the servers'
    /// clocks have moved on.</summary>
    public static readonly DateTimeOffset Made = TestDataAge.Now;

    /// <summary>Ten minutes before <see cref="Made"/>: recent enough for a store to keep, and for a server's default
    /// window (the last hour) to hold when the test process starts.</summary>
    public static readonly ulong BaseTime = (ulong)(Made.AddMinutes(-10).ToUnixTimeMilliseconds() * 1_000_000);

    /// <summary>The range queries over this data name (<see cref="DataWindow"/>): the hour before <see cref="Made"/>,
    /// what a server's default window held when the data was made.</summary>
    public static DataWindow Data => new(Made);

    /// <summary><see cref="Data"/>'s range.</summary>
    public static Kubetrace.Storage.TimeRange Window => Data.Range;

    /// <summary><see cref="Data"/> as the native search's and the analyses' <c>start</c> and <c>end</c>.</summary>
    public static string WindowQuery => Data.Query;

    /// <summary><see cref="Data"/> as the Jaeger search's <c>start</c> and <c>end</c>.</summary>
    public static string JaegerWindowQuery => Data.JaegerQuery;

    /// <summary><see cref="Data"/> as the analyze command's <c>--since</c>.</summary>
    public static string SinceWindowStart => Data.Since;

    /// <summary>Unix nanoseconds of <paramref name="ms"/> milliseconds after <see cref="BaseTime"/>.</summary>
    public static long StartNanos(long ms) => (long)BaseTime + ms * 1_000_000;

    public static ByteString TraceId(int n) => ByteString.CopyFrom(Convert.FromHexString($"{n:x32}".PadLeft(32, '0')));

    public static ByteString SpanId(int n) => n == 0 ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString($"{n:x16}"));

    /// <summary>A trace id drawn from <paramref name="random"/> (a seeded one, for the samplers' statistics).</summary>
    public static ByteString RandomTraceId(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }

    /// <summary>Span <paramref name="id"/> of trace <paramref name="trace"/>: a server span when it is a root, else a client span.</summary>
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

    /// <summary>
    /// A 500 ms server span of the trace <paramref name="traceId"/> (what samplers and attribute processors look at),
    /// with attributes of any type <see cref="Value"/> takes.
    /// </summary>
    public static Span Span(ByteString traceId, string name = "span", string traceState = "", params (string Key, object Value)[] attributes)
    {
        var span = new Span
        {
            TraceId = traceId,
            SpanId = ByteString.CopyFrom([1, 2, 3, 4, 5, 6, 7, 8]),
            Name = name,
            TraceState = traceState,
            Kind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind.Server,
            StartTimeUnixNano = 1_000_000_000,
            EndTimeUnixNano = 1_500_000_000,
        };
        span.Attributes.AddRange(attributes.Select(a => Attr(a.Key, a.Value)));
        return span;
    }

    public static KeyValue Attr(string key, object value) => new() { Key = key, Value = Value(value) };

    /// <summary>
    /// An attribute value from a C# value: string, bool, int or long, double, bytes, a sequence as an array of such
    /// values, an AnyValue as it is; anything else as its text (as the OpenTelemetry SDKs export it).
    /// </summary>
    public static AnyValue Value(object value) => value switch
    {
        AnyValue any => any,
        string s => new AnyValue { StringValue = s },
        bool b => new AnyValue { BoolValue = b },
        int i => new AnyValue { IntValue = i },
        long l => new AnyValue { IntValue = l },
        double d => new AnyValue { DoubleValue = d },
        byte[] bytes => new AnyValue { BytesValue = ByteString.CopyFrom(bytes) },
        System.Collections.IEnumerable items => Array(items),
        _ => new AnyValue { StringValue = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) },
    };

    private static AnyValue Array(System.Collections.IEnumerable items)
    {
        var array = new ArrayValue();
        foreach (var item in items) array.Values.Add(Value(item!));
        return new AnyValue { ArrayValue = array };
    }

    /// <summary>The spans as one resource of <paramref name="service"/>, in one scope named "test".</summary>
    public static ResourceSpans Resource(string service, params Span[] spans) => new()
    {
        Resource = new Resource { Attributes = { Attr("service.name", service) } },
        ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "test" }, Spans = { spans } } },
    };

    public static ExportTraceServiceRequest Request(params ResourceSpans[] resources) => new() { ResourceSpans = { resources } };

    /// <summary>One resource of <paramref name="service"/> holding <paramref name="spans"/>, with more resource attributes.</summary>
    public static ExportTraceServiceRequest Request(IEnumerable<Span> spans, string service = "svc", params (string Key, object Value)[] resource)
    {
        var resourceSpans = Resource(service, spans.ToArray());
        resourceSpans.Resource.Attributes.AddRange(resource.Select(a => Attr(a.Key, a.Value)));
        return Request(resourceSpans);
    }

    /// <summary>The spans as a batch of the pipeline, as a receiver hands it on.</summary>
    public static TraceBatch Batch(params Span[] spans) => TraceBatch.FromRequest(Request(spans));

    /// <summary>Every span of <paramref name="batches"/>, in order (what a processor passed on).</summary>
    public static IEnumerable<Span> All(IEnumerable<TraceBatch> batches) =>
        from batch in batches
        from resource in batch.Request.ResourceSpans
        from scope in resource.ScopeSpans
        from span in scope.Spans
        select span;

    public static string? StringAttribute(this Span span, string key) =>
        span.Attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;
}
