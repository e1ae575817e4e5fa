using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// A forward reader over one decompressed column, as a struct kept in an array and used by reference: the scan's
/// inner loop reads millions of varints, so no object, no bounds-check helper call, no exception setup.
/// </summary>
internal struct ColumnCursor
{
    private byte[] _data;
    private int _position;
    private int _end;

    public void Reset(byte[] data, int length)
    {
        _data = data;
        _position = 0;
        _end = length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint()
    {
        var position = _position;
        if ((uint)position < (uint)_end)
        {
            var b = _data[position];
            if (b < 0x80)
            {
                _position = position + 1;
                return b;
            }
        }
        return ReadVarintSlow();
    }

    public int ReadInt() => (int)ReadVarint();

    public byte ReadByte()
    {
        if (_position >= _end) throw Truncated();
        return _data[_position++];
    }

    public ulong ReadFixed64()
    {
        if (_position + 8 > _end) throw Truncated();
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan(_position, 8));
        _position += 8;
        return value;
    }

    public UInt128 ReadUInt128()
    {
        if (_position + 16 > _end) throw Truncated();
        var value = BinaryPrimitives.ReadUInt128BigEndian(_data.AsSpan(_position, 16));
        _position += 16;
        return value;
    }

    /// <summary>A length-prefixed byte string: its (offset, length) in the column's buffer.</summary>
    public (int Offset, int Length) ReadBytesRange()
    {
        var length = ReadInt();
        if (length < 0 || _position + length > _end) throw Truncated();
        var offset = _position;
        _position += length;
        return (offset, length);
    }

    private ulong ReadVarintSlow()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _end) throw Truncated();
            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new InvalidDataException("malformed varint");
    }

    private static InvalidDataException Truncated() => new("block column is truncated");
}
