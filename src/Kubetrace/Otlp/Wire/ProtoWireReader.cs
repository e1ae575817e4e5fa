using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Kubetrace.Otlp.Wire;

/// <summary>
/// A forward-only reader of the protobuf wire format over a span: tags, varints, fixed values and length-delimited
/// slices, with every length checked against the bytes that remain. Allocation-free; errors throw
/// <see cref="ProtobufFormatException"/> naming the byte offset.
/// </summary>
internal ref struct ProtoWireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset;
    private int _position;

    /// <param name="baseOffset">Offset of <paramref name="data"/> in the whole message, for error messages.</param>
    public ProtoWireReader(ReadOnlySpan<byte> data, int baseOffset = 0)
    {
        _data = data;
        _baseOffset = baseOffset;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Offset of the next byte in the whole message.</summary>
    public readonly int Offset => _baseOffset + _position;

    /// <summary>Reads the next tag; field numbers must be in 1..2^29-1 and wire types known.</summary>
    public (int Field, WireType Type) ReadTag()
    {
        var start = Offset;
        var tag = ReadVarint();
        var field = tag >> 3;
        var type = (WireType)(tag & 7);
        if (field == 0 || field > 0x1FFF_FFFF) throw Error(start, $"invalid field number {field}");
        if (type > WireType.Fixed32) throw Error(start, $"invalid wire type {(int)type} for field {field}");
        return ((int)field, type);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint()
    {
        if (_position < _data.Length && _data[_position] < 0x80) return _data[_position++];
        return ReadVarintSlow();
    }

    public ulong ReadFixed64()
    {
        if (_data.Length - _position < 8) throw Error(Offset, "fixed64 value runs past the end of the message");
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
        _position += 8;
        return value;
    }

    public uint ReadFixed32()
    {
        if (_data.Length - _position < 4) throw Error(Offset, "fixed32 value runs past the end of the message");
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_data[_position..]);
        _position += 4;
        return value;
    }

    /// <summary>Reads a length prefix and returns the bytes it covers; <paramref name="offset"/> is where they start.</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited(out int offset)
    {
        var start = Offset;
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
            throw Error(start, $"length {length} runs past the end of the message ({_data.Length - _position} bytes left)");
        offset = Offset;
        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    /// <summary>Skips a field's value the way a parser keeps it as an unknown field.</summary>
    public void Skip(int field, WireType type, int depth)
    {
        switch (type)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: ReadFixed64(); break;
            case WireType.Fixed32: ReadFixed32(); break;
            case WireType.LengthDelimited: ReadLengthDelimited(out _); break;
            case WireType.StartGroup: SkipGroup(field, depth + 1); break;
            default: throw Error(Offset, $"unexpected end-group tag for field {field}");
        }
    }

    private void SkipGroup(int field, int depth)
    {
        TraceRequestScanner.CheckDepth(depth, Offset);
        while (!AtEnd)
        {
            var (inner, type) = ReadTag();
            if (type == WireType.EndGroup)
            {
                if (inner != field) throw Error(Offset, $"end-group tag for field {inner} closes group {field}");
                return;
            }
            Skip(inner, type, depth);
        }
        throw Error(Offset, $"group {field} is not closed");
    }

    private ulong ReadVarintSlow()
    {
        var start = Offset;
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length) throw Error(start, "varint runs past the end of the message");
            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw Error(start, "varint longer than 10 bytes");
    }

    public static ProtobufFormatException Error(int offset, string problem) => new($"invalid protobuf at byte {offset}: {problem}");
}
