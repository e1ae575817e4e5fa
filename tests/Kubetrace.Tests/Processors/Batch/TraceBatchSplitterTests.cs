using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Processors.Batch;

namespace Kubetrace.Tests.Processors.Batch;

public class TraceBatchSplitterTests
{
    public static TheoryData<int> EveryCut => new(Enumerable.Range(1, 11));

    // 3 resources x (3 + 1 spans), with an empty resource in the middle: cuts fall inside scopes, at scope
    // boundaries, at resource boundaries and next to the empty resource.
    private static ExportTraceServiceRequest Input()
    {
        var request = OriginLabelledRequests.Request("svc", 3, 3, 1);
        request.ResourceSpans.Insert(1, OriginLabelledRequests.Request("empty", 1, 0).ResourceSpans[0]);
        return request;
    }

    [Theory]
    [MemberData(nameof(EveryCut))]
    public void Splits_objects_at_any_span_keeping_resource_and_scope_and_leaves_the_input_untouched(int headSpans)
    {
        var request = Input();
        var before = request.ToByteArray();
        var batch = TraceBatch.FromRequest(request, new Dictionary<string, string> { ["k"] = "v" });

        var (head, tail) = TraceBatchSplitter.Split(batch, headSpans);

        Assert.Equal(headSpans, head.SpanCount);
        Assert.Equal(12 - headSpans, tail.SpanCount);
        Assert.Equal(OriginLabelledRequests.Flatten(request).ToList(), OriginLabelledRequests.Flatten([head, tail]));
        Assert.Same(batch.Metadata, head.Metadata);
        Assert.Same(batch.Metadata, tail.Metadata);
        Assert.Equal(before, batch.Request.ToByteArray());
    }

    [Theory]
    [MemberData(nameof(EveryCut))]
    public void Cuts_encoded_batches_in_their_bytes_into_exactly_what_the_object_split_gives(int headSpans)
    {
        var request = Input();
        var encoded = SampleRequests.Encoded(request, new Dictionary<string, string> { ["k"] = "v" });

        var (head, tail) = TraceBatchSplitter.Split(encoded, headSpans);
        var (expectedHead, expectedTail) = TraceBatchSplitter.Split(TraceBatch.FromRequest(request.Clone()), headSpans);

        Assert.True(head.HasEncoded);
        Assert.True(tail.HasEncoded);
        Assert.Equal(expectedHead.Request, ExportTraceServiceRequest.Parser.ParseFrom(head.Encoded.Span));
        Assert.Equal(expectedTail.Request, ExportTraceServiceRequest.Parser.ParseFrom(tail.Encoded.Span));
        Assert.Equal(headSpans, head.SpanCount);
        Assert.Equal(12 - headSpans, tail.SpanCount);
        Assert.Same(encoded.Metadata, head.Metadata);
    }
}
