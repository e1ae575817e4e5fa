using Google.Protobuf;
using Kubetrace.Processors;
using Kubetrace.Processors.Batch;

namespace Kubetrace.Tests.Processors;

public class ProtoWireTests
{
    [Fact]
    public void Walks_the_fields_of_a_message_and_locates_their_values()
    {
        var request = TestSpans.Request("svc", 2, 1);
        var bytes = request.ToByteArray();

        var position = 0;
        var fields = new List<WireField>();
        while (position < bytes.Length)
        {
            Assert.True(ProtoWire.TryReadField(bytes, ref position, out var field));
            fields.Add(field);
        }

        Assert.Equal([1, 1], fields.Select(f => f.Number));
        Assert.All(fields, f => Assert.True(f.IsLengthDelimited));
        Assert.Equal(request.ResourceSpans[1].ToByteArray(), bytes[fields[1].ValueStart..fields[1].End]);
    }

    [Theory]
    [InlineData(new byte[] { 0x0A })] // tag without length
    [InlineData(new byte[] { 0x0A, 0x05, 1, 2 })] // length beyond the end
    [InlineData(new byte[] { 0x0A, 0xFF })] // truncated varint
    [InlineData(new byte[] { 0x0B })] // start group: not OTLP
    [InlineData(new byte[] { 0x09, 1, 2, 3 })] // fixed64 cut short
    public void Refuses_malformed_bytes_instead_of_reading_past_them(byte[] bytes)
    {
        var position = 0;
        Assert.False(ProtoWire.TryReadField(bytes, ref position, out _));
    }

    [Fact]
    public void The_encoded_splitter_gives_up_on_bytes_it_cannot_walk()
    {
        var bytes = TestSpans.Request("svc", 1, 4).ToByteArray();

        Assert.False(EncodedTraceSplitter.TrySplit(bytes[..^3], 2, out _, out _));
        Assert.True(EncodedTraceSplitter.TrySplit(bytes, 2, out _, out _));
    }
}
