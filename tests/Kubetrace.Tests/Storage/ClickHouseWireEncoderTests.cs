using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage.Benchmark;
using Kubetrace.Storage.ClickHouse;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// The spans table's rows written straight from a request's protobuf bytes are the rows the object model wrote
/// (<see cref="ClickHouseObjectModelRows"/>), byte for byte: every value type, the promoted keys (UUID or not, given
/// twice), what only <c>extra</c> keeps, resources without a service name or with a number for one, and schema URLs.
/// </summary>
public sealed class ClickHouseWireEncoderTests
{
    private const ulong Written = 1_765_000_000_000_000_000;

    [Fact]
    public void The_benchmark_data_set_is_written_as_the_object_model_wrote_it()
    {
        var generator = new KubernetesTraceGenerator(7, DateTimeOffset.UtcNow, TimeSpan.FromHours(2));
        for (var i = 0; i < 5; i++) AssertSameRows(generator.NextRequest(50));
    }

    [Fact]
    public void Every_kind_of_value_and_span_field_is_written_as_the_object_model_wrote_it()
    {
        var span = new Span
        {
            TraceId = Id(16, 1), SpanId = Id(8, 2), ParentSpanId = Id(8, 3), Name = "GET /api/v1/pods/é", Kind = Span.Types.SpanKind.Server,
            StartTimeUnixNano = 1_765_000_000_123_456_789, EndTimeUnixNano = 1_765_000_000_023_456_789, // ends before it starts
            TraceState = "k=v", Flags = 0x301, DroppedAttributesCount = 2, DroppedEventsCount = 3, DroppedLinksCount = 4,
            Status = new Status { Code = Status.Types.StatusCode.Error, Message = "boom" },
        };
        span.Attributes.Add(Attr("audit-id", new AnyValue { StringValue = "0b7e1c62-5f4c-4c8e-9a53-1f2d3c4b5a69" }));
        span.Attributes.Add(Attr("audit-id", new AnyValue { StringValue = "1b7e1c62-5f4c-4c8e-9a53-1f2d3c4b5a69" })); // second: stays
        span.Attributes.Add(Attr("namespace", new AnyValue { IntValue = -42 }));
        span.Attributes.Add(Attr("verb", new AnyValue { DoubleValue = 0.1 }));
        span.Attributes.Add(Attr("url", new AnyValue { BoolValue = true }));
        span.Attributes.Add(Attr("http.ok", new AnyValue { BoolValue = false }));
        span.Attributes.Add(Attr("ratio", new AnyValue { DoubleValue = 1e300 }));
        span.Attributes.Add(Attr("blob", new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3, 250) }));
        span.Attributes.Add(Attr("list", new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = "a" }, new AnyValue { IntValue = 1 } } } }));
        span.Attributes.Add(Attr("map", new AnyValue { KvlistValue = new KeyValueList { Values = { Attr("k", new AnyValue { StringValue = "v" }) } } }));
        span.Attributes.Add(Attr("empty", new AnyValue()));
        span.Attributes.Add(new KeyValue { Key = "no value" });
        span.Attributes.Add(Attr("k8s.pod.name", new AnyValue { StringValue = "" }));
        span.Events.Add(new Span.Types.Event { Name = "retry", TimeUnixNano = 5, Attributes = { Attr("n", new AnyValue { IntValue = 1 }) } });
        span.Links.Add(new Span.Types.Link { TraceId = Id(16, 9), SpanId = Id(8, 8), TraceState = "a=b", Flags = 1 });
        span.Links.Add(new Span.Types.Link { TraceId = Id(12, 7) }); // short IDs: right-aligned, as old clients sent them
        var plain = new Span { TraceId = Id(16, 5), SpanId = Id(4, 6), Name = "plain", StartTimeUnixNano = 1, EndTimeUnixNano = 2 };
        var audit = new Span { TraceId = Id(16, 5), SpanId = Id(8, 7), Name = "not a uuid", StartTimeUnixNano = 3, EndTimeUnixNano = 4 };
        audit.Attributes.Add(Attr("audit-id", new AnyValue { StringValue = "0B7E1C62-5F4C-4C8E-9A53-1F2D3C4B5A69" }));
        audit.Attributes.Add(Attr("client", new AnyValue { StringValue = new string('x', 300) }));

        var request = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    Resource = new Resource { Attributes = { Attr("service.name", new AnyValue { StringValue = "apiserver" }), Attr("host", new AnyValue { IntValue = 7 }) } },
                    SchemaUrl = "https://opentelemetry.io/schemas/1.26.0",
                    ScopeSpans =
                    {
                        new ScopeSpans { Scope = new InstrumentationScope { Name = "otelhttp", Version = "0.53" }, SchemaUrl = "s", Spans = { span, plain } },
                        new ScopeSpans { Spans = { audit } },
                    },
                },
                new ResourceSpans { Resource = new Resource { Attributes = { Attr("service.name", new AnyValue { IntValue = 12 }) } }, ScopeSpans = { new ScopeSpans { Spans = { plain } } } },
                new ResourceSpans { ScopeSpans = { new ScopeSpans { Spans = { audit } } } },
            },
        };
        AssertSameRows(request);
    }

    private static void AssertSameRows(ExportTraceServiceRequest request)
    {
        var rows = new RowBinaryWriter();
        var count = SpanRowEncoder.Write(request.ToByteArray(), rows, Written);

        Assert.Equal(request.ResourceSpans.SelectMany(r => r.ScopeSpans).Sum(s => s.Spans.Count), count);
        Assert.Equal(Convert.ToHexString(ClickHouseObjectModelRows.Write(request, Written)), Convert.ToHexString(rows.Written.Span));
    }

    private static KeyValue Attr(string key, AnyValue value) => new() { Key = key, Value = value };

    private static ByteString Id(int length, byte fill)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = (byte)(fill + i);
        return ByteString.CopyFrom(bytes);
    }
}
