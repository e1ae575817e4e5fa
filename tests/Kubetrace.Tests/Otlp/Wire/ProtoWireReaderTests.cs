using Google.Protobuf;
using Kubetrace.Otlp.Wire;
using Kubetrace.Processors.Batch;

namespace Kubetrace.Tests.Otlp.Wire;

public class ProtoWireReaderTests
{
    [Fact]
    public void Walks_the_fields_of_a_message_and_locates_their_values()
    {
        var request = OriginLabelledRequests.Request("svc", 2, 1);
        var bytes = request.ToByteArray();

        var fields = new List<WireField>();
        var reader = new ProtoWireReader(bytes);
        while (!reader.AtEnd)
        {
            Assert.True(reader.TryReadField(out var field));
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
    [InlineData(new byte[] { 0x0D, 1, 2, 3 })] // fixed32 cut short
    [InlineData(new byte[] { 0x00, 0x01 })] // field number 0
    public void Refuses_malformed_bytes_instead_of_reading_past_them(byte[] bytes)
    {
        var reader = new ProtoWireReader(bytes);
        Assert.False(reader.TryReadField(out _));
    }

    [Fact]
    public void The_validating_reads_and_the_field_walk_agree_on_where_each_field_ends()
    {
        var bytes = SampleRequests.EveryFieldSet().ToByteArray();

        var walk = new ProtoWireReader(bytes);
        var read = new ProtoWireReader(bytes);
        while (!walk.AtEnd)
        {
            Assert.True(walk.TryReadField(out var field));
            var (number, type) = read.ReadTag();
            read.Skip(number, type, 0);
            Assert.Equal((field.Number, field.Type, field.End), (number, type, read.Offset));
        }
        Assert.True(read.AtEnd);
    }

    [Fact]
    public void The_encoded_splitter_gives_up_on_bytes_it_cannot_walk()
    {
        var bytes = OriginLabelledRequests.Request("svc", 1, 4).ToByteArray();

        Assert.False(EncodedTraceSplitter.TrySplit(bytes[..^3], 2, out _, out _));
        Assert.True(EncodedTraceSplitter.TrySplit(bytes, 2, out _, out _));
    }
}
