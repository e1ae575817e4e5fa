using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Kubetrace.Otlp.Wire;

/// <summary>
/// A forward-only reader of the protobuf wire format over a span: tags, varints, fixed values and length-delimited
/// slices, with every length checked against the bytes that remain. Allocation-free. Two styles over the same
/// primitives: the validating reads (<see cref="ReadTag"/>, ...) throw <see cref="ProtobufFormatException"/> naming
/// the byte offset (the receiver's scanner); <see cref="TryReadField"/> locates whole fields and returns false on
/// anything it cannot walk (the batch processor's splitter, which then falls back to the object model).
/// </summary>
/// <remarks>
/// Hot path shape: the one-byte tag and one-byte length (every OTLP field below 16 and every value under 128 bytes)
/// are handled inline; longer varints and every error go to out-of-line methods so that the inlined part stays
/// small. Errors are built only in <see cref="Error"/> (never string interpolation in a hot method).
/// </remarks>
internal ref struct ProtoWireReader
{
    private const int MaxVarintBytes = 10;
    private const ulong MaxFieldNumber = 0x1FFF_FFFF;

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

    /// <summary>The bytes not read yet.</summary>
    public readonly ReadOnlySpan<byte> Remaining => _data[_position..];

    /// <summary>Offset of the next byte in the whole message.</summary>
    public readonly int Offset => _baseOffset + _position;

    /// <summary>Reads the next tag; field numbers must be in 1..2^29-1 and wire types known.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (int Field, WireType Type) ReadTag()
    {
        // One-byte tags (fields 1-15) cannot be too large; only field 0 and wire types 6-7 are invalid.
        if ((uint)_position < (uint)_data.Length)
        {
            uint tag = _data[_position];
            if (tag < 0x80 && tag >= 8 && (tag & 7) <= (uint)WireType.Fixed32)
            {
                _position++;
                return ((int)(tag >> 3), (WireType)(tag & 7));
            }
        }
        return ReadTagSlow();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint()
    {
        if ((uint)_position < (uint)_data.Length && _data[_position] < 0x80) return _data[_position++];
        return ReadVarintSlow();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadFixed64()
    {
        if (_data.Length - _position < 8) ThrowCutShort(8);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position, 8));
        _position += 8;
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadFixed32()
    {
        if (_data.Length - _position < 4) ThrowCutShort(4);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_position, 4));
        _position += 4;
        return value;
    }

    /// <summary>Reads a length prefix and returns the bytes it covers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var start = _position;
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position)) ThrowLengthPastEnd(start, length);
        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    /// <summary>Reads a length prefix and returns the bytes it covers; <paramref name="offset"/> is where they start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> ReadLengthDelimited(out int offset)
    {
        var slice = ReadLengthDelimited();
        offset = Offset - slice.Length;
        return slice;
    }

    /// <summary>A reader over the next length-delimited value (an embedded message), with offsets kept absolute.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ProtoWireReader ReadNested()
    {
        var body = ReadLengthDelimited();
        return new ProtoWireReader(body, Offset - body.Length);
    }

    /// <summary>Skips a field's value the way a parser keeps it as an unknown field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int field, WireType type, int depth)
    {
        switch (type)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: ReadFixed64(); break;
            case WireType.LengthDelimited: ReadLengthDelimited(); break;
            case WireType.Fixed32: ReadFixed32(); break;
            default: SkipRare(field, type, depth); break;
        }
    }

    /// <summary>
    /// Locates the next whole field (tag and value, offsets relative to this reader's span) and moves past it;
    /// false, with the position unspecified, if the bytes are malformed or hold a group (never used by OTLP).
    /// </summary>
    /// <remarks>
    /// The common fields inline (a one-byte tag with a one-byte length or varint, or a fixed64): the processors walk
    /// every field of every span with it, and the general loop was a tenth of tail sampling's CPU (docs/benchmarks.md).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadField(out WireField field)
    {
        var start = _position;
        if ((uint)start + 1 < (uint)_data.Length)
        {
            uint tag = _data[start];
            uint next = _data[start + 1];
            if (tag is >= 8 and < 0x80)
            {
                var number = (int)(tag >> 3);
                switch ((WireType)(tag & 7))
                {
                    case WireType.LengthDelimited when next < 0x80 && next <= (uint)(_data.Length - start - 2):
                        _position = start + 2 + (int)next;
                        field = new WireField(number, WireType.LengthDelimited, start, start + 2, _position);
                        return true;
                    case WireType.Varint when next < 0x80:
                        _position = start + 2;
                        field = new WireField(number, WireType.Varint, start, start + 1, _position);
                        return true;
                    case WireType.Fixed64 when _data.Length - start >= 9:
                        _position = start + 9;
                        field = new WireField(number, WireType.Fixed64, start, start + 1, _position);
                        return true;
                }
            }
        }
        return TryReadFieldSlow(out field);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryReadFieldSlow(out WireField field)
    {
        field = default;
        var start = _position;
        if (!TryReadVarint(out var tag)) return false;
        var number = tag >> 3;
        var type = (WireType)(tag & 7);
        if (number is 0 or > MaxFieldNumber) return false;
        var valueStart = _position;
        switch (type)
        {
            case WireType.Varint:
                if (!TryReadVarint(out _)) return false;
                break;
            case WireType.Fixed64:
                if (_data.Length - _position < 8) return false;
                _position += 8;
                break;
            case WireType.LengthDelimited:
                if (!TryReadVarint(out var length) || length > (ulong)(_data.Length - _position)) return false;
                valueStart = _position;
                _position += (int)length;
                break;
            case WireType.Fixed32:
                if (_data.Length - _position < 4) return false;
                _position += 4;
                break;
            default:
                return false;
        }
        field = new WireField((int)number, type, start, valueStart, _position);
        return true;
    }

    private bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 7 * MaxVarintBytes; shift += 7)
        {
            if ((uint)_position >= (uint)_data.Length) return false;
            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private (int Field, WireType Type) ReadTagSlow()
    {
        var start = Offset;
        var tag = ReadVarint();
        var field = tag >> 3;
        var type = (WireType)(tag & 7);
        if (field == 0 || field > MaxFieldNumber) throw Error(start, $"invalid field number {field}");
        if (type > WireType.Fixed32) throw Error(start, $"invalid wire type {(int)type} for field {field}");
        return ((int)field, type);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong ReadVarintSlow()
    {
        var start = Offset;
        if (!TryReadVarint(out var value))
        {
            if (_position - (start - _baseOffset) >= MaxVarintBytes) throw Error(start, "varint longer than 10 bytes");
            throw Error(start, "varint runs past the end of the message");
        }
        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SkipRare(int field, WireType type, int depth)
    {
        if (type == WireType.StartGroup) SkipGroup(field, depth + 1);
        else throw Error(Offset, $"unexpected end-group tag for field {field}");
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

    [DoesNotReturn]
    private readonly void ThrowCutShort(int size) =>
        throw Error(Offset, size == 8 ? "fixed64 value runs past the end of the message" : "fixed32 value runs past the end of the message");

    [DoesNotReturn]
    private readonly void ThrowLengthPastEnd(int lengthStart, ulong length) =>
        throw Error(_baseOffset + lengthStart, $"length {length} runs past the end of the message ({_data.Length - _position} bytes left)");

    public static ProtobufFormatException Error(int offset, string problem) => new($"invalid protobuf at byte {offset}: {problem}");
}
