using Kubetrace.Otlp;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Otlp.Validation;
using Google.Protobuf;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Otlp;

/// <summary>
/// A received request is cut to the span limits before anything keeps it: long values shortened at a character
/// boundary, attributes, events and links beyond their counts dropped into the dropped_*_count fields, a span still
/// too large refused, times past 2^63 ns refused, and partial_success says what was cut and what was refused.
/// </summary>
public sealed class SpanTrimmerTests
{
    private static readonly SpanLimits Limits = new()
    {
        MaxAttributeValueBytes = 128, MaxAttributesPerSpan = 3, MaxEventsPerSpan = 1, MaxLinksPerSpan = 1, MaxSpanBytes = 2048,
    };

    [Fact]
    public void Values_counts_and_sizes_over_the_limits_are_cut_and_counted_in_the_dropped_fields()
    {
        var span = Span(1, 1, 0, "big", 0, 10, ("a", "1"), ("b", "2"), ("c", new string('é', 100)), ("d", "4"), ("e", "5"));
        span.DroppedAttributesCount = 1;
        span.Events.Add(new Span.Types.Event { Name = "one" });
        span.Events.Add(new Span.Types.Event { Name = "two" });
        span.Links.Add(new Span.Types.Link { TraceId = TraceId(2), SpanId = SpanId(2) });
        span.Links.Add(new Span.Types.Link { TraceId = TraceId(3), SpanId = SpanId(3) });
        var request = Request(Resource("apiserver", span));

        var decoded = TraceRequestDecoder.DecodeProtobuf(request.ToByteArray(), limits: Limits);

        var kept = Assert.Single(Assert.Single(Assert.Single(decoded.Batch!.Request.ResourceSpans).ScopeSpans).Spans);
        Assert.Equal(["a", "b", "c"], kept.Attributes.Select(a => a.Key));
        Assert.Equal(new string('é', 64), kept.Attributes[2].Value.StringValue); // 2 bytes each: 64 fit in 128
        Assert.Equal(3u, kept.DroppedAttributesCount);
        Assert.Equal(1u, kept.DroppedEventsCount);
        Assert.Equal(1u, kept.DroppedLinksCount);
        Assert.Equal(0, decoded.RejectedSpans);
        Assert.Equal("cut to the span limits: 1 values cut to 128 bytes (max_attribute_value_bytes), 2 attributes dropped " +
            "(max_attributes_per_span 3), 1 events dropped (max_events_per_span 1), 1 links dropped (max_links_per_span 1)", decoded.ErrorMessage);
    }

    [Fact]
    public void A_span_still_over_max_span_bytes_after_the_cuts_is_refused_and_the_others_kept()
    {
        var huge = Span(1, 1, 0, "huge", 0, 10, ("a", "x"), ("b", "y"), ("c", "z"));
        huge.Name = new string('n', 4000); // names are not cut
        var request = Request(Resource("apiserver", huge, Span(1, 2, 1, "small")));

        var decoded = TraceRequestDecoder.DecodeProtobuf(request.ToByteArray(), limits: Limits);

        Assert.Equal(1, decoded.RejectedSpans);
        Assert.Equal("small", Assert.Single(decoded.Batch!.Request.ResourceSpans.Single().ScopeSpans.Single().Spans).Name);
        Assert.Contains("more than max_span_bytes (2048)", decoded.ErrorMessage);
    }

    [Fact]
    public void Values_nested_in_arrays_and_resource_attributes_are_cut_too()
    {
        var span = Span(1, 1, 0, "nested");
        span.Attributes.Add(new KeyValue { Key = "list", Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = new string('x', 500) } } } } });
        var resource = Resource("apiserver", span);
        resource.Resource.Attributes.Add(Attr("blob", new string('y', 500)));

        var decoded = TraceRequestDecoder.DecodeProtobuf(Request(resource).ToByteArray(), limits: Limits);

        var kept = decoded.Batch!.Request.ResourceSpans.Single();
        Assert.Equal(128, kept.Resource.Attributes.Single(a => a.Key == "blob").Value.StringValue.Length);
        Assert.Equal(128, kept.ScopeSpans.Single().Spans.Single().Attributes.Single().Value.ArrayValue.Values.Single().StringValue.Length);
    }

    [Fact]
    public void A_span_ending_after_2_pow_63_ns_is_refused_with_the_reason()
    {
        var late = Span(1, 1, 0, "late");
        late.EndTimeUnixNano = 1UL << 63;

        var decoded = TraceRequestDecoder.DecodeProtobuf(Request(Resource("apiserver", late, Span(1, 2, 1, "fine"))).ToByteArray());

        Assert.Equal(1, decoded.RejectedSpans);
        Assert.Contains("end_time_unix_nano 9223372036854775808 is after 9223372036854775807 (2262-04-11)", decoded.ErrorMessage);
    }

    [Fact]
    public void A_request_within_every_limit_passes_through_as_its_bytes()
    {
        var bytes = Request(Resource("apiserver", Span(1, 1, 0, "fine", 0, 10, ("a", new string('x', 100))))).ToByteArray();

        var decoded = TraceRequestDecoder.DecodeProtobuf(bytes, limits: Limits);

        Assert.Null(decoded.ErrorMessage);
        Assert.True(decoded.Batch!.HasEncoded); // not decoded into objects: the received bytes go on
    }
}
