using System.Runtime.InteropServices;
using Google.Protobuf;
using Kubetrace.Otlp;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Otlp.Wire;

namespace Kubetrace.Tests.Otlp;

public class TraceRequestDecoderTests
{
    [Fact]
    public void A_valid_request_passes_on_the_received_bytes_without_decoding()
    {
        var body = SampleRequests.Valid(5).ToByteArray();

        var decoded = TraceRequestDecoder.DecodeProtobuf(body);

        Assert.Equal(0, decoded.RejectedSpans);
        Assert.Null(decoded.ErrorMessage);
        var batch = decoded.Batch!;
        Assert.Equal(5, batch.SpanCount);
        Assert.True(batch.HasEncoded);
        Assert.True(MemoryMarshal.TryGetArray(batch.Encoded, out var segment));
        Assert.Same(body, segment.Array);
    }

    [Fact]
    public void Invalid_spans_are_dropped_one_by_one_and_named_in_the_message()
    {
        var shortTrace = SampleRequests.ValidSpan("short-trace", 1);
        shortTrace.TraceId = ByteString.CopyFrom(1, 2, 3);
        var backwards = SampleRequests.ValidSpan("backwards", 3);
        backwards.EndTimeUnixNano = backwards.StartTimeUnixNano - 1;
        var request = SampleRequests.WithSpans(SampleRequests.ValidSpan("ok-0", 0), shortTrace, SampleRequests.ValidSpan("ok-2", 2), backwards);

        var decoded = TraceRequestDecoder.DecodeProtobuf(request.ToByteArray());

        Assert.Equal(2, decoded.RejectedSpans);
        Assert.Equal(2, decoded.AcceptedSpans);
        Assert.Equal(
            "2 of 4 spans rejected: span 1 (name \"short-trace\"): trace_id must be 16 bytes, got 3; " +
            "span 3 (name \"backwards\"): end_time_unix_nano 1699999999999999999 is before start_time_unix_nano 1700000000000000000",
            decoded.ErrorMessage);
        Assert.Equal(["ok-0", "ok-2"], AllSpans(decoded.Batch!.Request).Select(s => s.Name));
    }

    public static TheoryData<string, Action<OtlpSpan>, string> BrokenSpans => new()
    {
        { "zero trace", s => s.TraceId = ByteString.CopyFrom(new byte[16]), "trace_id must not be all zero" },
        { "empty trace", s => s.TraceId = ByteString.Empty, "trace_id must be 16 bytes, got 0" },
        { "long span id", s => s.SpanId = ByteString.CopyFrom(new byte[9] { 1, 1, 1, 1, 1, 1, 1, 1, 1 }), "span_id must be 8 bytes, got 9" },
        { "zero span id", s => s.SpanId = ByteString.CopyFrom(new byte[8]), "span_id must not be all zero" },
        { "odd parent", s => s.ParentSpanId = ByteString.CopyFrom(1, 2), "parent_span_id must be empty or 8 bytes, got 2" },
    };

    [Theory]
    [MemberData(nameof(BrokenSpans))]
    public void Each_rule_rejects_the_span_with_its_own_message(string name, Action<OtlpSpan> breakIt, string expected)
    {
        var broken = SampleRequests.ValidSpan(name, 1);
        breakIt(broken);

        var decoded = TraceRequestDecoder.DecodeProtobuf(SampleRequests.WithSpans(SampleRequests.ValidSpan("ok"), broken).ToByteArray());

        Assert.Equal(1, decoded.RejectedSpans);
        Assert.Equal($"1 of 2 spans rejected: span 1 (name \"{name}\"): {expected}", decoded.ErrorMessage);
        Assert.Equal("ok", AllSpans(decoded.Batch!.Request).Single().Name);
    }

    [Fact]
    public void A_request_whose_spans_are_all_invalid_yields_no_batch()
    {
        var broken = SampleRequests.ValidSpan("bad");
        broken.SpanId = ByteString.Empty;

        var decoded = TraceRequestDecoder.DecodeProtobuf(SampleRequests.WithSpans(broken).ToByteArray());

        Assert.Null(decoded.Batch);
        Assert.Equal(1, decoded.RejectedSpans);
    }

    [Fact]
    public void Spans_of_old_exporters_in_field_1000_are_folded_into_scope_spans()
    {
        var request = SampleRequests.Valid(2);
        var legacy = new ScopeSpans { Scope = new() { Name = "legacy-lib" }, Spans = { SampleRequests.ValidSpan("old-span", 7) } };
        request.ResourceSpans[0].InstrumentationLibrarySpans.Add(legacy);

        var decoded = TraceRequestDecoder.DecodeProtobuf(request.ToByteArray());

        Assert.Equal(0, decoded.RejectedSpans);
        var resourceSpans = decoded.Batch!.Request.ResourceSpans.Single();
        Assert.Empty(resourceSpans.InstrumentationLibrarySpans);
        Assert.Equal(["k8s.io/apiserver", "legacy-lib"], resourceSpans.ScopeSpans.Select(s => s.Scope.Name));
        Assert.Equal(3, decoded.Batch.SpanCount);
        // Re-encoded downstream, the spans are in field 2 only.
        var reparsed = ExportTraceServiceRequest.Parser.ParseFrom(decoded.Batch.Encoded.Span);
        Assert.Empty(reparsed.ResourceSpans[0].InstrumentationLibrarySpans);
    }

    [Fact]
    public void An_empty_request_is_accepted_with_nothing_to_pass_on()
    {
        var decoded = TraceRequestDecoder.DecodeProtobuf(Array.Empty<byte>());

        Assert.Null(decoded.Batch);
        Assert.Equal(0, decoded.RejectedSpans);
    }

    [Fact]
    public void A_truncated_request_is_a_format_error_naming_the_offset()
    {
        var body = SampleRequests.Valid(3).ToByteArray();

        var error = Assert.Throws<ProtobufFormatException>(() => TraceRequestDecoder.DecodeProtobuf(body.AsMemory(0, body.Length - 5)));

        Assert.Matches("^invalid protobuf at byte [0-9]+: length [0-9]+ runs past the end", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "varint longer than 10 bytes")]
    [InlineData(new byte[] { 0x00, 0x01 }, "invalid field number 0")]
    [InlineData(new byte[] { 0x0F }, "invalid wire type 7")]
    [InlineData(new byte[] { 0x0C }, "unexpected end-group")]
    [InlineData(new byte[] { 0x0B, 0x08, 0x01 }, "group 1 is not closed")]
    public void Malformed_wire_data_is_a_format_error(byte[] body, string problem)
    {
        var error = Assert.Throws<ProtobufFormatException>(() => TraceRequestDecoder.DecodeProtobuf(body));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Whatever_the_scanner_accepts_the_parser_accepts_with_the_same_span_count()
    {
        // Mutations of a realistic request (bit flips, cuts, random bytes) must never slip past the scanner in a form
        // that a later stage would fail to parse: that would lose acknowledged data.
        var original = SampleRequests.EveryFieldSet().ToByteArray();
        var random = new Random(12345);
        var accepted = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var body = Mutate(original, random);
            ScanResult scan;
            try
            {
                scan = TraceRequestScanner.Scan(body);
            }
            catch (ProtobufFormatException)
            {
                continue;
            }
            accepted++;
            var parsed = ExportTraceServiceRequest.Parser.ParseFrom(body);
            Assert.Equal(scan.SpanCount, parsed.ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count) + r.InstrumentationLibrarySpans.Sum(s => s.Spans.Count)));
        }
        Assert.InRange(accepted, 100, 19_900); // the mix exercises both outcomes
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_before_the_parser_would_fail()
    {
        var value = new Kubetrace.Otlp.Proto.Common.AnyValue { StringValue = "leaf" };
        for (var i = 0; i < 80; i++)
            value = new Kubetrace.Otlp.Proto.Common.AnyValue { ArrayValue = new() { Values = { value } } };
        var span = SampleRequests.ValidSpan("deep");
        span.Attributes.Add(new Kubetrace.Otlp.Proto.Common.KeyValue { Key = "deep", Value = value });

        var error = Assert.Throws<ProtobufFormatException>(() => TraceRequestDecoder.DecodeProtobuf(SampleRequests.WithSpans(span).ToByteArray()));

        Assert.Contains("nested more than", error.Message);
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                var flipped = (byte[])original.Clone();
                for (var i = random.Next(1, 4); i > 0; i--) flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                return flipped;
            case 1:
                return original[..random.Next(original.Length)];
            case 2:
                var garbage = new byte[random.Next(1, 64)];
                random.NextBytes(garbage);
                return garbage;
            default:
                var spliced = (byte[])original.Clone();
                spliced[random.Next(spliced.Length)] = (byte)random.Next(256);
                return spliced;
        }
    }

    private static IEnumerable<OtlpSpan> AllSpans(ExportTraceServiceRequest request) =>
        request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans);
}
