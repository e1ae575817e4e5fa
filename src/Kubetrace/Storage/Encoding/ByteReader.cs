using System.Buffers.Binary;

namespace Kubetrace.Storage.Encoding;

/// <summary>Reads what <see cref="ByteWriter"/> wrote; throws <see cref="InvalidDataException"/> on truncation.</summary>
internal sealed class ByteReader(byte[] buffer, int offset = 0, int? length = null)
{
    private readonly int _end = offset + (length ?? buffer.Length - offset);
    private int _position = offset;

    /// <summary>A reader of <paramref name="bytes"/>, over the array behind them when there is one (no copy).</summary>
    public static ByteReader Over(ReadOnlyMemory<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new ByteReader(segment.Array!, segment.Offset, segment.Count)
            : new ByteReader(bytes.ToArray());

    /// <summary>The array read from; offsets such as <see cref="Position"/> and <see cref="End"/> point into it.</summary>
    public byte[] Buffer => buffer;

    /// <summary>The offset just past the last byte this reader may read.</summary>
    public int End => _end;

    public bool AtEnd => _position >= _end;

    /// <summary>Where the next read starts, as an offset into the buffer.</summary>
    public int Position => _position;

    /// <summary>Passes over <paramref name="count"/> bytes unread.</summary>
    public void Skip(int count) => Take(count);

    public byte ReadByte()
    {
        if (_position >= _end) throw Truncated();
        return buffer[_position++];
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _end) throw Truncated();
            var b = buffer[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new InvalidDataException("malformed varint");
    }

    public int ReadInt() => checked((int)ReadVarint());

    public long ReadLong() => (long)ReadVarint();

    public long ReadSigned()
    {
        var raw = ReadVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public ulong ReadFixed64()
    {
        var span = Take(8);
        return BinaryPrimitives.ReadUInt64LittleEndian(span);
    }

    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public UInt128 ReadUInt128() => BinaryPrimitives.ReadUInt128BigEndian(Take(16));

    public ReadOnlySpan<byte> ReadBytes() => Take(ReadInt());

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes());

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _end) throw Truncated();
        var span = buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private static InvalidDataException Truncated() => new("block data is truncated");
}
