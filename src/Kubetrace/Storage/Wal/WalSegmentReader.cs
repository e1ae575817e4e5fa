using System.Buffers.Binary;

namespace Kubetrace.Storage.Wal;

/// <summary>Reads the complete frames of one segment file and says where the valid data ends.</summary>
internal static class WalSegmentReader
{
    /// <summary>
    /// Calls <paramref name="onFrame"/> for each valid frame in order; returns the offset just past the last valid
    /// frame (the file length when the whole file is valid).
    /// </summary>
    public static long ReadFrames(string path, Action<byte, ReadOnlyMemory<byte>> onFrame)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        var header = new byte[WalFrame.HeaderSize];
        long valid = 0;
        while (true)
        {
            if (!ReadExactly(stream, header)) return valid;
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            var codec = header[8];
            if (length > WalFrame.MaxPayload || valid + WalFrame.HeaderSize + length > stream.Length) return valid;
            var payload = new byte[length];
            if (!ReadExactly(stream, payload) || WalFrame.Checksum(codec, payload) != crc) return valid;
            onFrame(codec, payload);
            valid += WalFrame.HeaderSize + length;
        }
    }

    private static bool ReadExactly(Stream stream, byte[] buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }
}
