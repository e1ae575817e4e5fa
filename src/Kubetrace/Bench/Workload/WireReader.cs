using System.Buffers.Binary;

namespace Kubetrace.Bench.Workload;

/// <summary>
/// A minimal protobuf wire-format walker over trusted bytes (the generator's own encodings): field headers,
/// varints and the offsets of values, nothing more.
/// </summary>
internal ref struct WireReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    public bool TryReadTag(out int field, out int wireType)
    {
        if (_position >= _data.Length)
        {
            field = wireType = 0;
            return false;
        }
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return true;
    }

    /// <summary>Skips a length-delimited value and returns where its content starts and how long it is.</summary>
    public (int Start, int Length) ReadLengthDelimited()
    {
        var length = (int)ReadVarint();
        var start = _position;
        _position += length;
        return (start, length);
    }

    /// <summary>Skips a value of the given wire type and returns where it started.</summary>
    public int Skip(int wireType)
    {
        var start = _position;
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: _position += 8; break;
            case LengthDelimited: ReadLengthDelimited(); break;
            case Fixed32: _position += 4; break;
            default: throw new InvalidDataException($"unsupported wire type {wireType} at offset {_position}");
        }
        return start;
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }

    public static ulong ReadFixed64(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]);
}
