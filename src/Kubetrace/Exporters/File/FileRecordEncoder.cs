using System.Buffers;
using System.Buffers.Binary;
using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.File;

/// <summary>Turns one batch into the bytes of one record of the file.</summary>
internal interface IFileRecordEncoder
{
    void Encode(TraceBatch batch, IBufferWriter<byte> output);
}

/// <summary>Length-prefixed protobuf: the batch's bytes as they arrived, never re-serialized.</summary>
internal sealed class ProtoRecordEncoder : IFileRecordEncoder
{
    public void Encode(TraceBatch batch, IBufferWriter<byte> output)
    {
        var encoded = batch.Encoded.Span;
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), (uint)encoded.Length);
        output.Advance(4);
        output.Write(encoded);
    }
}

/// <summary>JSON lines: one OTLP JSON request per line (the writer emits no raw newlines: JSON escapes them).</summary>
internal sealed class JsonLineEncoder(OtlpJsonWriter writeJson) : IFileRecordEncoder
{
    public void Encode(TraceBatch batch, IBufferWriter<byte> output)
    {
        writeJson(output, batch.Request);
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }
}
