using System.Buffers.Binary;

namespace Kubetrace.Storage.Wal;

/// <summary>What replay found in one segment: where its valid data ends, and what damage it stepped over.</summary>
/// <param name="ValidEnd">The offset just past the last valid record (the file length when the tail is intact).</param>
/// <param name="SkippedBytes">Bytes of damaged records between valid ones (not counting a damaged tail).</param>
/// <param name="SkippedRegions">How many damaged stretches were stepped over.</param>
internal readonly record struct WalSegmentScan(long ValidEnd, long SkippedBytes, int SkippedRegions);

/// <summary>
/// Reads the valid records of one segment. A damaged record (its checksum fails) does not end the segment: every
/// record carries its length and checksum, so replay steps over it to the next record that checks out — at once when
/// only the payload was damaged (the length still points at the next record), else by looking for the next offset
/// where a whole record with a valid checksum starts — and goes on (as Prometheus's and Tempo's WALs recover).
/// </summary>
internal static class WalSegmentReader
{
    public static WalSegmentScan ReadFrames(string path, Action<byte, ReadOnlyMemory<byte>> onFrame)
    {
        var data = File.ReadAllBytes(path);
        long validEnd = 0, skipped = 0;
        var regions = 0;
        var offset = 0;
        while (offset < data.Length)
        {
            if (TryFrame(data, offset, out var next))
            {
                onFrame(data[offset + WalFrame.HeaderSize - 1], data.AsMemory(offset + WalFrame.HeaderSize, next - offset - WalFrame.HeaderSize));
                offset = next;
                validEnd = next;
                continue;
            }
            var resume = NextFrame(data, offset);
            if (resume < 0) break; // nothing valid after it: a torn or damaged tail
            skipped += resume - offset;
            regions++;
            offset = resume;
        }
        return new WalSegmentScan(validEnd, skipped, regions);
    }

    /// <summary>Where the next valid record after the damaged one at <paramref name="damaged"/> starts; -1: none.</summary>
    private static int NextFrame(byte[] data, int damaged)
    {
        // Most often only the payload is damaged: its length still leads to the next record.
        if (Header(data, damaged, out var length, out _) && damaged + WalFrame.HeaderSize + length is var after &&
            after < data.Length && TryFrame(data, (int)after, out _))
            return (int)after;
        for (var offset = damaged + 1; offset + WalFrame.HeaderSize <= data.Length; offset++)
            if (TryFrame(data, offset, out _)) return offset;
        return -1;
    }

    /// <summary>A whole record with a valid checksum starts at <paramref name="offset"/>; <paramref name="next"/> follows it.</summary>
    private static bool TryFrame(byte[] data, int offset, out int next)
    {
        next = 0;
        if (!Header(data, offset, out var length, out var crc)) return false;
        var payload = data.AsSpan(offset + WalFrame.HeaderSize, (int)length);
        if (WalFrame.Checksum(data[offset + WalFrame.HeaderSize - 1], payload) != crc) return false;
        next = offset + WalFrame.HeaderSize + (int)length;
        return true;
    }

    /// <summary>A plausible header: a known codec and a length that fits the file.</summary>
    private static bool Header(byte[] data, int offset, out uint length, out uint crc)
    {
        length = crc = 0;
        if (offset + WalFrame.HeaderSize > data.Length) return false;
        length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
        crc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 4));
        var codec = data[offset + 8];
        return WalCodec.IsKnown(codec) && length <= WalFrame.MaxPayload &&
               offset + WalFrame.HeaderSize + (long)length <= data.Length;
    }
}
