using Google.Protobuf;
using System.Text;
using Kubetrace.Otlp;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Otlp.Validation;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Otlp;

/// <summary>
/// Long values are shortened on the wire before a protobuf request is parsed, and read only as far as the limit from
/// JSON, so a 19 MiB value never becomes a 38 MiB string; what the client is told and what is kept are exactly what
/// cutting the whole parsed request gives, in every place a value can be and for every rule that decides the count.
/// </summary>
public sealed class LongValueDecodingTests
{
    private static readonly SpanLimits Limits = new()
    {
        MaxAttributeValueBytes = 128, MaxAttributesPerSpan = 3, MaxEventsPerSpan = 1, MaxLinksPerSpan = 1, MaxSpanBytes = 64 * 1024,
    };

    public static TheoryData<string> Cases => new(RequestCases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_request_with_long_values_decodes_as_cutting_the_parsed_request_does(string name)
    {
        var bytes = RequestCases[name]();

        var decoded = TraceRequestDecoder.DecodeProtobuf(bytes, limits: Limits);
        var reference = TraceRequestDecoder.Sanitize(ExportTraceServiceRequest.Parser.ParseFrom(bytes), limits: Limits);

        Assert.Equal(reference.ErrorMessage, decoded.ErrorMessage);
        Assert.Equal(reference.RejectedSpans, decoded.RejectedSpans);
        Assert.Equal(reference.Batch?.Request, decoded.Batch?.Request);
        Assert.Contains("values cut to 128 bytes", decoded.ErrorMessage);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_JSON_request_with_long_values_decodes_as_cutting_the_whole_parsed_request_does(string name)
    {
        var json = OtlpJson.ToUtf8Bytes(ExportTraceServiceRequest.Parser.ParseFrom(RequestCases[name]()));

        var decoded = TraceRequestDecoder.DecodeJson(json, limits: Limits);
        var reference = TraceRequestDecoder.Sanitize(OtlpJson.ParseRequest(json), limits: Limits);

        Assert.Equal(reference.ErrorMessage, decoded.ErrorMessage);
        Assert.Equal(reference.Batch?.Request, decoded.Batch?.Request);
        Assert.Contains("values cut to 128 bytes", decoded.ErrorMessage);
    }

    [Fact]
    public void An_escaped_JSON_string_is_read_whole_and_cut_at_the_same_character()
    {
        var json = Encoding.UTF8.GetBytes(OtlpJsonRequest("x" + string.Concat(Enumerable.Repeat("\\u00e9\\n", 300))));

        var decoded = TraceRequestDecoder.DecodeJson(json, limits: Limits);

        var value = decoded.Batch!.Request.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes[0].Value.StringValue;
        Assert.Equal("x" + string.Concat(Enumerable.Repeat("é\n", 42)), value); // 1 + 42 × 3 = 127 bytes: 'é' would make 129
        Assert.Equal("cut to the span limits: 1 values cut to 128 bytes (max_attribute_value_bytes)", decoded.ErrorMessage);
    }

    [Fact]
    public void A_JSON_string_of_invalid_UTF8_is_refused_however_long()
    {
        var json = Encoding.UTF8.GetBytes(OtlpJsonRequest(new string('x', 5000) + "INVALID"));
        var invalid = Encoding.UTF8.GetBytes("INVALID");
        var at = json.AsSpan().IndexOf(invalid);
        json[at] = 0xC3; // a two-byte lead followed by an ASCII byte
        json[at + 1] = (byte)'x';

        var error = Assert.Throws<OtlpJsonException>(() => TraceRequestDecoder.DecodeJson(json, limits: Limits));

        Assert.Contains("is not valid UTF-8 text", error.Message);
    }

    [Theory]
    [InlineData("protobuf")]
    [InlineData("json")]
    public void A_19_MiB_value_is_never_held_as_a_string(string encoding)
    {
        var request = Request(Resource("amplifier", Span(1, 1, 0, "big", 0, 10, ("blob", new string('x', 19 << 20)))));
        var bytes = encoding == "json" ? OtlpJson.ToUtf8Bytes(request) : request.ToByteArray();
        Func<DecodedTraces> decode = encoding == "json"
            ? () => TraceRequestDecoder.DecodeJson(bytes, limits: Limits)
            : () => TraceRequestDecoder.DecodeProtobuf(bytes, limits: Limits);
        decode(); // the code paths run once before measuring

        var before = GC.GetAllocatedBytesForCurrentThread();
        var decoded = decode();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(new string('x', 128), decoded.Batch!.Request.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes[0].Value.StringValue);
        Assert.True(allocated < 1 << 20, $"decoding allocated {allocated:N0} bytes for a {bytes.Length:N0}-byte request");
    }

    /// <summary>A request of one valid span with one attribute whose JSON string text is <paramref name="valueText"/> as written.</summary>
    private static string OtlpJsonRequest(string valueText) =>
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"0102030405060708\"," +
        "\"name\":\"s\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[{\"key\":\"a\",\"value\":{\"stringValue\":\"" + valueText + "\"}}]}]}]}]}";

    private static readonly Dictionary<string, Func<byte[]>> RequestCases = new()
    {
        ["ascii span attribute"] = () => One(Span(1, 1, 0, "s", 0, 10, ("a", new string('x', 5000)))),
        ["two-byte characters at the limit"] = () => One(Span(1, 1, 0, "s", 0, 10, ("a", "x" + new string('é', 3000)))),
        ["three-byte characters at the limit"] = () => One(Span(1, 1, 0, "s", 0, 10, ("a", "xy" + new string('漢', 3000)))),
        ["four-byte characters at the limit"] = () => One(Span(1, 1, 0, "s", 0, 10, ("a", "xyz" + string.Concat(Enumerable.Repeat("😀", 3000))))),
        ["just over the limit"] = () => One(Span(1, 1, 0, "s", 0, 10, ("a", new string('x', 129)), ("b", new string('x', 133)), ("c", new string('x', 134)))),
        ["bytes value"] = () => One(With(Span(1, 1, 0, "s"), new KeyValue { Key = "b", Value = new AnyValue { BytesValue = ByteString.CopyFrom(new byte[9000]) } })),
        ["nested in arrays and key-value lists"] = () => One(With(Span(1, 1, 0, "s"), new KeyValue
        {
            Key = "nested",
            Value = new AnyValue
            {
                KvlistValue = new KeyValueList
                {
                    Values =
                    {
                        Attr("inner", new string('x', 700)),
                        new KeyValue { Key = "list", Value = new AnyValue { ArrayValue = new ArrayValue { Values = { Value(new string('y', 900)), Value("short") } } } },
                    },
                },
            },
        })),
        ["resource, scope, event and link attributes"] = () =>
        {
            var span = Span(1, 1, 0, "s");
            span.Events.Add(new Span.Types.Event { Name = "e", Attributes = { Attr("a", new string('e', 800)) } });
            span.Links.Add(new Span.Types.Link { TraceId = TraceId(2), SpanId = SpanId(2), Attributes = { Attr("a", new string('l', 800)) } });
            var resource = Resource("svc", span);
            resource.Resource.Attributes.Add(Attr("r", new string('r', 800)));
            resource.ScopeSpans[0].Scope = new InstrumentationScope { Name = "scope", Attributes = { Attr("s", new string('s', 800)) } };
            return Request(resource).ToByteArray();
        },
        ["values of attributes, events and links beyond their counts"] = () =>
        {
            var span = Span(1, 1, 0, "s", 0, 10, ("a", "1"), ("b", "2"), ("c", new string('c', 800)), ("d", new string('d', 800)));
            span.Events.Add(new Span.Types.Event { Name = "kept", Attributes = { Attr("a", new string('e', 800)) } });
            span.Events.Add(new Span.Types.Event { Name = "dropped", Attributes = { Attr("a", new string('f', 800)) } });
            span.Links.Add(new Span.Types.Link { TraceId = TraceId(2), SpanId = SpanId(2) });
            span.Links.Add(new Span.Types.Link { TraceId = TraceId(3), SpanId = SpanId(3), Attributes = { Attr("a", new string('l', 800)) } });
            return One(span);
        },
        ["a value in a refused span"] = () =>
            Request(Resource("svc", Span(0, 1, 0, "no trace id", 0, 10, ("a", new string('x', 800))), Span(1, 2, 0, "kept", 0, 10, ("a", new string('y', 800))))).ToByteArray(),
        ["a long value that a later field of its AnyValue replaces"] = () =>
        {
            // Two encodings of one AnyValue concatenated are one message: the oneof keeps its last field, the integer.
            var replaced = new AnyValue { StringValue = new string('x', 800) }.ToByteArray().Concat(new AnyValue { IntValue = 5 }.ToByteArray()).ToArray();
            var keyValue = new KeyValue { Key = "k" }.ToByteArray().Concat(new byte[] { 0x12 }).Concat(Varint(replaced.Length)).Concat(replaced).ToArray();
            var span = Span(1, 1, 0, "s", 0, 10, ("counted", new string('z', 800)));
            var spanBytes = span.ToByteArray().Concat(new byte[] { 0x4A }).Concat(Varint(keyValue.Length)).Concat(keyValue).ToArray();
            return Wrap(spanBytes);
        },
        ["an unknown group beside a long value (the parsed request is cut instead)"] = () =>
        {
            var span = Span(1, 1, 0, "s", 0, 10, ("a", new string('x', 800))).ToByteArray();
            return Wrap(span.Concat(new byte[] { 0xFB, 0x01, 0x08, 0x01, 0xFC, 0x01 }).ToArray()); // group 31 { field 1 = 1 }
        },
    };

    private static Span With(Span span, KeyValue attribute)
    {
        span.Attributes.Add(attribute);
        return span;
    }

    private static byte[] One(Span span) => Request(Resource("svc", span)).ToByteArray();

    /// <summary>A request around one span's raw bytes (which may hold what the object model would re-encode).</summary>
    private static byte[] Wrap(byte[] span)
    {
        var scope = new byte[] { 0x12 }.Concat(Varint(span.Length)).Concat(span).ToArray();
        var resourceSpans = new byte[] { 0x12 }.Concat(Varint(scope.Length)).Concat(scope).ToArray();
        return new byte[] { 0x0A }.Concat(Varint(resourceSpans.Length)).Concat(resourceSpans).ToArray();
    }

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        var v = (uint)value;
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }
        bytes.Add((byte)v);
        return [.. bytes];
    }
}
