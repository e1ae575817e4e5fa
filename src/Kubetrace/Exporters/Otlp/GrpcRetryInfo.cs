using Google.Protobuf;

namespace Kubetrace.Exporters.Otlp;

/// <summary>
/// Reads the server's requested retry delay from a gRPC error: the <c>grpc-status-details-bin</c> trailer holds a
/// google.rpc.Status whose details may include a google.rpc.RetryInfo. Decoded by hand from the wire format
/// (Status.details = 3 of Any {type_url = 1, value = 2}; RetryInfo.retry_delay = 1 of Duration {seconds = 1,
/// nanos = 2}) because three tiny messages do not justify another proto dependency.
/// </summary>
internal static class GrpcRetryInfo
{
    public const string TrailerKey = "grpc-status-details-bin";
    private const string RetryInfoType = "type.googleapis.com/google.rpc.RetryInfo";

    public static TimeSpan? TryRead(byte[]? statusDetails)
    {
        if (statusDetails is null) return null;
        try
        {
            var status = new CodedInputStream(statusDetails);
            for (var tag = status.ReadTag(); tag != 0; tag = status.ReadTag())
            {
                if (tag == Tag(3, 2) && ReadAny(status.ReadBytes()) is { } delay) return delay;
                if (tag != Tag(3, 2)) status.SkipLastField();
            }
        }
        catch (InvalidProtocolBufferException)
        {
            // A malformed detail is no reason to fail the classification: treat as "no delay given".
        }
        return null;
    }

    /// <summary>Encodes Status{code, message, details=[RetryInfo{delay}]} (for servers and tests).</summary>
    public static byte[] Encode(int code, string message, TimeSpan delay)
    {
        using var durationBytes = new MemoryStream();
        var d = new CodedOutputStream(durationBytes);
        d.WriteTag(1, WireFormat.WireType.Varint); d.WriteInt64((long)delay.TotalSeconds);
        d.WriteTag(2, WireFormat.WireType.Varint); d.WriteInt32((int)(delay.Ticks % TimeSpan.TicksPerSecond * 100));
        d.Flush();
        var retryInfo = Message(w => { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteBytes(ByteString.CopyFrom(durationBytes.ToArray())); });
        var any = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString(RetryInfoType);
            w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteBytes(ByteString.CopyFrom(retryInfo));
        });
        return Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.Varint); w.WriteInt32(code);
            w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteString(message);
            w.WriteTag(3, WireFormat.WireType.LengthDelimited); w.WriteBytes(ByteString.CopyFrom(any));
        });
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var bytes = new MemoryStream();
        var output = new CodedOutputStream(bytes);
        write(output);
        output.Flush();
        return bytes.ToArray();
    }

    private static TimeSpan? ReadAny(ByteString any)
    {
        string? type = null;
        ByteString? value = null;
        var input = any.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (tag == Tag(1, 2)) type = input.ReadString();
            else if (tag == Tag(2, 2)) value = input.ReadBytes();
            else input.SkipLastField();
        }
        if (type != RetryInfoType || value is null) return null;
        var retryInfo = value.CreateCodedInput();
        for (var tag = retryInfo.ReadTag(); tag != 0; tag = retryInfo.ReadTag())
        {
            if (tag == Tag(1, 2)) return ReadDuration(retryInfo.ReadBytes());
            retryInfo.SkipLastField();
        }
        return null;
    }

    private static TimeSpan ReadDuration(ByteString duration)
    {
        long seconds = 0, nanos = 0;
        var input = duration.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (tag == Tag(1, 0)) seconds = input.ReadInt64();
            else if (tag == Tag(2, 0)) nanos = input.ReadInt32();
            else input.SkipLastField();
        }
        return TimeSpan.FromSeconds(seconds) + TimeSpan.FromTicks(nanos / 100);
    }

    private static uint Tag(int field, int wireType) => (uint)(field << 3 | wireType);
}
