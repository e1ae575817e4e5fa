using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// Writes rows in ClickHouse's RowBinary format (little-endian numbers, strings and arrays prefixed with a LEB128
/// length), the cheapest way to insert over HTTP: no text escaping, no parsing on the server.
/// </summary>
internal sealed class RowBinaryWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    public int Length => _buffer.WrittenCount;

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public void Clear() => _buffer.Clear();

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

    public void VarUInt(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        _buffer.Advance(i);
    }

    public void String(string value)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        VarUInt((ulong)length);
        System.Text.Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    /// <summary>A FixedString: the bytes without a length.</summary>
    public void Fixed(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        VarUInt((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }
}
