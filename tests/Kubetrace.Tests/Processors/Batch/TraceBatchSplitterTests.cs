using Google.Protobuf;
using Kubetrace.Processors.Batch;

namespace Kubetrace.Tests.Processors.Batch;

public class TraceBatchSplitterTests
{
    [Theory]
    [InlineData(1)] // inside the first scope
    [InlineData(3)] // at a scope boundary
    [InlineData(4)] // at a resource boundary
    [InlineData(6)] // inside the second resource
    [InlineData(7)] // one before the end
    public void Splits_at_any_span_keeping_resource_and_scope_and_leaves_the_input_untouched(int headSpans)
    {
        var request = TestSpans.Request("svc", 2, 3, 1); // 2 resources x (3 + 1 spans)
        var before = request.ToByteArray();
        var batch = TestSpans.Encoded(request, new Dictionary<string, string> { ["k"] = "v" });

        var (head, tail) = TraceBatchSplitter.Split(batch, headSpans);

        Assert.Equal(headSpans, head.SpanCount);
        Assert.Equal(8 - headSpans, tail.SpanCount);
        Assert.Equal(TestSpans.Flatten(request).ToList(), TestSpans.Flatten([head, tail]));
        Assert.Same(batch.Metadata, head.Metadata);
        Assert.Same(batch.Metadata, tail.Metadata);
        Assert.Equal(before, batch.Request.ToByteArray());
    }
}
