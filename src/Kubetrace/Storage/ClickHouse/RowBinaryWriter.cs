using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// Writes rows in ClickHouse's RowBinary format (little-endian numbers, strings and arrays prefixed with a LEB128
/// length), the cheapest way to insert over HTTP: no text escaping, no parsing on the server.
/// </summary>
internal sealed class RowBinaryWriter(int capacity = 64 * 1024)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(capacity);

    public int Length => _buffer.WrittenCount;

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    /// <summary>Bytes held, written or not (a reused writer keeps its buffer).</summary>
    public int Capacity => _buffer.Capacity;

    /// <summary>Forgets what was written and keeps the buffer (without zeroing it: the next rows overwrite it).</summary>
    public void Clear() => _buffer.ResetWrittenCount();

    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void UInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    public void UInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>A FixedString(16) trace ID in its big-endian byte order (so that hex(trace_id) is the usual form).</summary>
    public void TraceId(TraceId id)
    {
        BinaryPrimitives.WriteUInt128BigEndian(_buffer.GetSpan(16), id.Value);
        _buffer.Advance(16);
    }

    public void VarUInt(ulong value) => _buffer.Advance(VarUInt(_buffer.GetSpan(10), value));

    private static int VarUInt(Span<byte> span, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        return i;
    }

    private static int VarUIntSize(ulong value) => value < 0x80 ? 1 : (70 - System.Numerics.BitOperations.LeadingZeroCount(value)) / 7;

    /// <summary>
    /// The text as UTF-8 after its length, encoded in one pass: the bytes go after room for the longest prefix the text
    /// could need, and move back when the real length needs a shorter one (only texts of more than 41 chars can).
    /// </summary>
    public void String(string value)
    {
        var most = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        var room = VarUIntSize((ulong)most);
        var span = _buffer.GetSpan(room + most);
        var length = System.Text.Encoding.UTF8.GetBytes(value, span[room..]);
        var prefix = VarUIntSize((ulong)length);
        if (prefix < room) span.Slice(room, length).CopyTo(span[prefix..]);
        VarUInt(span, (ulong)length);
        _buffer.Advance(prefix + length);
    }

    /// <summary>The bytes as they are, without a length: a FixedString, or values encoded before (copied into each row).</summary>
    public void Raw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    /// <summary>A String of bytes as they are (UTF-8 text taken from the request).</summary>
    public void Bytes(ReadOnlySpan<byte> value)
    {
        VarUInt((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    /// <summary>A String holding a number's invariant text (<paramref name="format"/> as <c>ToString</c> takes it); the
    /// texts written here are short, so their length is one byte.</summary>
    public void Text<T>(T value, ReadOnlySpan<char> format) where T : IUtf8SpanFormattable
    {
        var span = _buffer.GetSpan(64);
        if (!value.TryFormat(span[1..], out var length, format, System.Globalization.CultureInfo.InvariantCulture) || length >= 0x80)
            throw new InvalidOperationException($"{value} does not format in 127 bytes");
        span[0] = (byte)length;
        _buffer.Advance(1 + length);
    }

    /// <summary>A String holding the bytes in base64 (as <see cref="Convert.ToBase64String(byte[])"/> writes them).</summary>
    public void Base64(ReadOnlySpan<byte> value)
    {
        var length = System.Buffers.Text.Base64.GetMaxEncodedToUtf8Length(value.Length);
        VarUInt((ulong)length);
        System.Buffers.Text.Base64.EncodeToUtf8(value, _buffer.GetSpan(length), out _, out var written);
        _buffer.Advance(written);
    }
}
