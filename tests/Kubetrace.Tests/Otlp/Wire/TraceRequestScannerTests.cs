using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Wire;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Otlp.Wire;

/// <summary>The scanner's shortcut for short string attributes must accept and refuse exactly what the parser does.</summary>
public class TraceRequestScannerTests
{
    private const string Marker = "value-marker";

    [Fact]
    public void A_short_string_attribute_with_invalid_utf8_in_its_value_is_refused_like_the_parser_refuses_it()
    {
        var body = RequestWithAttribute(new AnyValue { StringValue = Marker });
        var at = IndexOf(body, Marker);
        body[at] = 0xC3; // a lead byte followed by ASCII: not UTF-8

        var error = Assert.Throws<ProtobufFormatException>(() => TraceRequestScanner.Scan(body));

        Assert.Contains("not valid UTF-8", error.Message);
        Assert.Throws<InvalidProtocolBufferException>(() => ExportTraceServiceRequest.Parser.ParseFrom(body));
    }

    [Theory]
    [InlineData("")] // empty string value
    [InlineData("é-non-ascii-but-valid")]
    [InlineData("a string value longer than one hundred and twenty-seven bytes, so that its length takes two varint bytes ..........")]
    public void String_attributes_of_every_shape_are_accepted(string value)
    {
        var body = RequestWithAttribute(new AnyValue { StringValue = value });

        Assert.Equal(1, TraceRequestScanner.Scan(body).SpanCount);
    }

    private static byte[] RequestWithAttribute(AnyValue value)
    {
        var span = SampleRequests.ValidSpan("s");
        span.Attributes.Clear();
        span.Attributes.Add(new KeyValue { Key = "k8s.pod.name", Value = value });
        return SampleRequests.WithSpans(span).ToByteArray();
    }

    private static int IndexOf(byte[] body, string text) => body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text));
}
