using System.Buffers.Binary;
using System.Text;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>Reads a RowBinary answer (see <see cref="RowBinaryWriter"/>) held in memory.</summary>
internal ref struct RowBinaryReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public bool End => _position >= _data.Length;

    public byte UInt8() => _data[_position++];

    public ushort UInt16()
    {
        var value = BinaryPrimitives.ReadUInt16LittleEndian(_data[_position..]);
        _position += 2;
        return value;
    }

    public ulong UInt64()
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
        _position += 8;
        return value;
    }

    public TraceId TraceId()
    {
        var value = BinaryPrimitives.ReadUInt128BigEndian(_data[_position..]);
        _position += 16;
        return new TraceId(value);
    }

    public int VarUInt()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = _data[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) break;
            if (shift > 56) throw new InvalidDataException("malformed length in a ClickHouse answer");
        }
        if (value > int.MaxValue) throw new InvalidDataException("a length in a ClickHouse answer is too large");
        return (int)value;
    }

    public string String()
    {
        var bytes = Bytes();
        return bytes.Length == 0 ? "" : System.Text.Encoding.UTF8.GetString(bytes);
    }

    public ReadOnlySpan<byte> Bytes()
    {
        var length = VarUInt();
        var bytes = _data.Slice(_position, length);
        _position += length;
        return bytes;
    }

    /// <summary>A FixedString of <paramref name="length"/> bytes.</summary>
    public ReadOnlySpan<byte> Fixed(int length)
    {
        var bytes = _data.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public string[] StringArray()
    {
        var count = VarUInt();
        if (count == 0) return [];
        var items = new string[count];
        for (var i = 0; i < count; i++) items[i] = String();
        return items;
    }

    public byte[] UInt8Array()
    {
        var count = VarUInt();
        var items = _data.Slice(_position, count).ToArray();
        _position += count;
        return items;
    }
}
