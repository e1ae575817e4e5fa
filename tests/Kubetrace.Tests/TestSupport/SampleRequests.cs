using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.TestSupport;

/// <summary>Requests and batches built in code, shared by the codec, receiver, processor and exporter tests.</summary>
internal static class SampleRequests
{
    public static ByteString TraceId(int seed) => ByteString.CopyFrom(Enumerable.Range(seed, 16).Select(i => (byte)(i + 1)).ToArray());

    public static ByteString SpanId(int seed) => ByteString.CopyFrom(Enumerable.Range(seed, 8).Select(i => (byte)(i + 0x11)).ToArray());

    public static OtlpSpan ValidSpan(string name, int seed = 0) => new()
    {
        TraceId = TraceId(seed),
        SpanId = SpanId(seed),
        Name = name,
        Kind = OtlpSpan.Types.SpanKind.Server,
        StartTimeUnixNano = 1_700_000_000_000_000_000UL,
        EndTimeUnixNano = 1_700_000_000_500_000_000UL,
        Attributes = { new KeyValue { Key = "k8s.pod.name", Value = new AnyValue { StringValue = "api-0" } } },
    };

    /// <summary>One resource, one scope, the given spans.</summary>
    public static ExportTraceServiceRequest WithSpans(params OtlpSpan[] spans) => new()
    {
        ResourceSpans =
        {
            new ResourceSpans
            {
                Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "kube-apiserver" } } } },
                ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "k8s.io/apiserver" }, Spans = { spans } } },
            },
        },
    };

    /// <summary>One resource, one scope, <paramref name="spanCount"/> valid spans named <c>{name}-0</c>, <c>{name}-1</c>, ...</summary>
    public static ExportTraceServiceRequest Valid(int spanCount, int seed = 0, string name = "span") =>
        WithSpans(Enumerable.Range(0, spanCount).Select(i => ValidSpan($"{name}-{i}", seed + i)).ToArray());

    /// <summary>The batch as the gRPC receiver hands it on: protobuf bytes only.</summary>
    public static TraceBatch Encoded(ExportTraceServiceRequest request, IReadOnlyDictionary<string, string>? metadata = null) =>
        TraceBatch.FromEncoded(request.ToByteArray(), TraceBatch.CountSpans(request), metadata);

    /// <summary><see cref="Valid"/> as an encoded batch.</summary>
    public static TraceBatch Batch(int spanCount, string name = "span") => Encoded(Valid(spanCount, name: name));

    public static ExportTraceServiceRequest EveryFieldSet()
    {
        var span = new OtlpSpan
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString("0102030405060708090a0b0c0d0e0f10")),
            SpanId = ByteString.CopyFrom(Convert.FromHexString("1112131415161718")),
            ParentSpanId = ByteString.CopyFrom(Convert.FromHexString("2122232425262728")),
            TraceState = "k=v",
            Flags = 0x301,
            Name = "GET /api/v1/pods — ünïcode",
            Kind = OtlpSpan.Types.SpanKind.Client,
            StartTimeUnixNano = 1_700_000_000_000_000_001UL,
            EndTimeUnixNano = long.MaxValue, // the latest time accepted (SpanRules.LatestTime)
            DroppedAttributesCount = 1,
            DroppedEventsCount = 2,
            DroppedLinksCount = 3,
            Status = new Status { Code = Status.Types.StatusCode.Error, Message = "boom" },
            Attributes =
            {
                Attr("s", new AnyValue { StringValue = "" }),
                Attr("b", new AnyValue { BoolValue = false }),
                Attr("i", new AnyValue { IntValue = -9007199254740993 }),
                Attr("d", new AnyValue { DoubleValue = 0.1 }),
                Attr("nan", new AnyValue { DoubleValue = double.NaN }),
                Attr("inf", new AnyValue { DoubleValue = double.NegativeInfinity }),
                Attr("bytes", new AnyValue { BytesValue = ByteString.CopyFrom(0, 1, 255) }),
                Attr("arr", new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 1 }, new AnyValue { StringValue = "x" } } } }),
                Attr("kv", new AnyValue { KvlistValue = new KeyValueList { Values = { Attr("inner", new AnyValue { BoolValue = true }) } } }),
                Attr("empty", new AnyValue()),
            },
            Events =
            {
                new OtlpSpan.Types.Event { TimeUnixNano = 5, Name = "ev", DroppedAttributesCount = 4, Attributes = { Attr("e", new AnyValue { IntValue = 0 }) } },
            },
            Links =
            {
                new OtlpSpan.Types.Link
                {
                    TraceId = ByteString.CopyFrom(new byte[16] { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 }),
                    SpanId = ByteString.CopyFrom(8, 8, 8, 8, 8, 8, 8, 8), TraceState = "a=b", Flags = 1, DroppedAttributesCount = 6,
                    Attributes = { Attr("l", new AnyValue { StringValue = "link" }) },
                },
            },
        };
        return new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    SchemaUrl = "https://opentelemetry.io/schemas/1.21.0",
                    Resource = new Resource { DroppedAttributesCount = 7, Attributes = { Attr("service.name", new AnyValue { StringValue = "kubelet" }) } },
                    ScopeSpans =
                    {
                        new ScopeSpans
                        {
                            SchemaUrl = "s",
                            Scope = new InstrumentationScope { Name = "scope", Version = "1", DroppedAttributesCount = 8, Attributes = { Attr("a", new AnyValue { StringValue = "b" }) } },
                            Spans = { span, new OtlpSpan { Name = "bare", TraceId = TraceId(5), SpanId = SpanId(5) } },
                        },
                        new ScopeSpans(),
                    },
                },
            },
        };
    }

    private static KeyValue Attr(string key, AnyValue value) => new() { Key = key, Value = value };
}
