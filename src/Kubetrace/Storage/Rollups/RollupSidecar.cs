using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Wal;
using Microsoft.Win32.SafeHandles;

namespace Kubetrace.Storage.Rollups;

/// <summary>
/// One rollup of one block, as a file beside the block (<see cref="RollupFiles"/>): which of the block's traces it
/// counted (its owned traces, a bit per trace of the block's trace table), the earliest and latest start of their
/// spans (a query uses the rollup only when both lie in its range), and the analysis's bytes.
/// </summary>
/// <remarks>
/// Layout: magic <c>KTR1</c>, header length (fixed32), header, header CRC-32C (fixed32), payload. The header holds
/// the rollup ID, the block's file size and trace count (a sidecar of another block of the same name is refused),
/// the owned trace count, min and max start, payload length and CRC, and the owned bitmap. Written to a temporary
/// file, fsynced and renamed, so a crash leaves the old sidecar, none, or the new one, never a torn one; a damaged
/// one fails its checksums and is rebuilt. A sidecar of a sealed block is sealed with the block's key: magic
/// <c>KTRE</c>, the key reference at the end of the header, the payload as <c>nonce | tag | ciphertext</c> (its
/// length and CRC are those of the sealed bytes).
/// </remarks>
internal sealed class RollupSidecar
{
    private static readonly byte[] Magic = "KTR1"u8.ToArray();
    private static readonly byte[] SealedMagic = "KTRE"u8.ToArray();
    private static ReadOnlySpan<byte> PayloadContext => "rollup payload"u8;

    public required string Path { get; init; }
    public required string RollupId { get; init; }
    public required long BlockFileSize { get; init; }
    public required int BlockTraces { get; init; }

    /// <summary>Traces counted in the payload.</summary>
    public required int OwnedTraces { get; init; }

    /// <summary>Earliest and latest start of every span of the owned traces (meaningless when none is owned).</summary>
    public required ulong MinStart { get; init; }
    public required ulong MaxStart { get; init; }

    /// <summary>Bit <c>t</c> set: the trace at ordinal <c>t</c> of the block's trace table is counted here.</summary>
    public required byte[] Owned { get; init; }

    public required long PayloadOffset { get; init; }
    public required int PayloadLength { get; init; }
    public required uint PayloadCrc { get; init; }

    /// <summary>The key that sealed the payload; null: plaintext.</summary>
    public StoreKey? Key { get; init; }

    /// <summary>Bytes on disk.</summary>
    public long FileSize => PayloadOffset + PayloadLength;

    public bool Claims(int trace) => (Owned[trace >> 3] & (1 << (trace & 7))) != 0;

    /// <summary>Whether every span the payload counted starts in <paramref name="range"/>: then a scan of that range
    /// would deliver each owned trace whole, so the payload stands in for them exactly.</summary>
    public bool LiesIn(TimeRange range) =>
        OwnedTraces == 0 || range.Contains((long)Math.Min(MinStart, long.MaxValue)) && range.Contains((long)Math.Min(MaxStart, long.MaxValue));

    /// <summary>As <see cref="LiesIn"/>, or, when the caller drops spans before the range itself
    /// (<see cref="Scan.SpanScanRequest.RollupDropsEarlierSpans"/>), no counted span starts at or after its end.</summary>
    public bool Serves(Scan.SpanScanRequest request) =>
        LiesIn(request.Range) || request.RollupDropsEarlierSpans && (OwnedTraces == 0 || MaxStart < (ulong)Math.Max(0, request.Range.EndUnixNano));

    /// <summary>Whether this sidecar was built for <paramref name="block"/> as it is now.</summary>
    public bool Matches(BlockReader block, string rollupId) =>
        RollupId == rollupId && BlockFileSize == block.FileSize && BlockTraces == block.TraceCount && Owned.Length == BitmapLength(block.TraceCount);

    public static int BitmapLength(int traces) => (traces + 7) / 8;

    /// <summary>Writes a sidecar atomically (temporary file, fsync, rename, directory fsync).</summary>
    public static RollupSidecar Write(string path, string rollupId, BlockReader block, RollupDraft draft, byte[] payload)
    {
        var key = block.Key;
        if (key is not null)
        {
            var sealedPayload = new byte[payload.Length + StoreKey.Overhead];
            key.Seal(payload, sealedPayload, PayloadContext);
            payload = sealedPayload;
        }
        var header = new ByteWriter(64 + draft.Owned.Length);
        header.WriteString(rollupId);
        header.WriteVarint(block.FileSize);
        header.WriteVarint(block.TraceCount);
        header.WriteVarint(draft.OwnedTraces);
        header.WriteVarint(draft.MinStart);
        header.WriteVarint(draft.MaxStart);
        header.WriteVarint(payload.Length);
        var payloadCrc = Crc32C.Compute(payload);
        header.WriteFixed32(payloadCrc);
        header.WriteBytes(draft.Owned);
        if (key is not null)
        {
            var reference = new byte[StoreKeyRing.ReferenceSize(key)];
            StoreKeyRing.WriteReference(key, reference);
            header.WriteBytes(reference);
        }
        var prefix = new ByteWriter(12);
        prefix.WriteRaw(key is null ? Magic : SealedMagic);
        prefix.WriteFixed32((uint)header.Length);
        var suffix = new ByteWriter(4);
        suffix.WriteFixed32(Crc32C.Compute(header.WrittenSpan));

        var temporary = path + ".tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                file.Write(prefix.WrittenSpan);
                file.Write(header.WrittenSpan);
                file.Write(suffix.WrittenSpan);
                file.Write(payload);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            DirectorySync.Sync(System.IO.Path.GetDirectoryName(path)!);
        }
        catch
        {
            try { File.Delete(temporary); }
            catch (IOException) { }
            throw;
        }
        return new RollupSidecar
        {
            Path = path, RollupId = rollupId, BlockFileSize = block.FileSize, BlockTraces = block.TraceCount,
            OwnedTraces = draft.OwnedTraces, MinStart = draft.MinStart, MaxStart = draft.MaxStart, Owned = draft.Owned,
            PayloadOffset = prefix.Length + header.Length + suffix.Length, PayloadLength = payload.Length, PayloadCrc = payloadCrc,
            Key = key,
        };
    }

    /// <summary>Reads and checks a sidecar, payload included.</summary>
    /// <exception cref="InvalidDataException">Torn, damaged or not a sidecar.</exception>
    /// <exception cref="StoreKeyException">Sealed with a key not listed in <paramref name="keys"/>, or a wrong one.</exception>
    public static RollupSidecar Read(string path, StoreKeyRing keys)
    {
        try
        {
            return Parse(path, File.ReadAllBytes(path), keys);
        }
        catch (Exception e) when (e is OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"malformed rollup sidecar ({e.Message})", e);
        }
    }

    private static RollupSidecar Parse(string path, byte[] bytes, StoreKeyRing keys)
    {
        if (bytes.Length < Magic.Length + 8) throw new InvalidDataException("not a rollup sidecar (bad magic)");
        var sealedSidecar = bytes.AsSpan(0, Magic.Length).SequenceEqual(SealedMagic);
        if (!sealedSidecar && !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException("not a rollup sidecar (bad magic)");
        var declared = new ByteReader(bytes, Magic.Length, 4).ReadFixed32();
        var headerStart = Magic.Length + 4;
        if (declared > (uint)(bytes.Length - headerStart - 4)) throw new InvalidDataException("bad header length");
        var headerLength = (int)declared;
        var headerCrc = new ByteReader(bytes, headerStart + headerLength, 4).ReadFixed32();
        if (Crc32C.Compute(bytes.AsSpan(headerStart, headerLength)) != headerCrc) throw new InvalidDataException("header checksum mismatch");
        var r = new ByteReader(bytes, headerStart, headerLength);
        var sidecar = new RollupSidecar
        {
            Path = path,
            RollupId = r.ReadString(),
            BlockFileSize = r.ReadLong(),
            BlockTraces = r.ReadInt(),
            OwnedTraces = r.ReadInt(),
            MinStart = r.ReadVarint(),
            MaxStart = r.ReadVarint(),
            PayloadLength = r.ReadInt(),
            PayloadCrc = r.ReadFixed32(),
            Owned = r.ReadBytes().ToArray(),
            PayloadOffset = headerStart + headerLength + 4,
            Key = sealedSidecar ? keys.Resolve(r.ReadBytes(), $"rollup sidecar {System.IO.Path.GetFileName(path)}", out _) : null,
        };
        if (sealedSidecar && sidecar.PayloadLength < StoreKey.Overhead) throw new InvalidDataException("sealed payload too short");
        if (sidecar.FileSize != bytes.Length) throw new InvalidDataException($"payload length {sidecar.PayloadLength} does not match the file ({bytes.Length} bytes)");
        if (Crc32C.Compute(bytes.AsSpan((int)sidecar.PayloadOffset)) != sidecar.PayloadCrc) throw new InvalidDataException("payload checksum mismatch");
        return sidecar;
    }

    /// <summary>The payload, checked against its CRC again (the file may have been damaged since it was opened).</summary>
    /// <exception cref="InvalidDataException">Damaged or gone.</exception>
    public byte[] ReadPayload()
    {
        var payload = new byte[PayloadLength];
        try
        {
            using SafeFileHandle file = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (RandomAccess.GetLength(file) != FileSize) throw new InvalidDataException("rollup sidecar changed size");
            var read = 0;
            while (read < payload.Length)
            {
                var n = RandomAccess.Read(file, payload.AsSpan(read), PayloadOffset + read);
                if (n == 0) throw new InvalidDataException("unexpected end of rollup sidecar");
                read += n;
            }
        }
        catch (IOException e)
        {
            throw new InvalidDataException($"cannot read the rollup sidecar: {e.Message}", e);
        }
        if (Crc32C.Compute(payload) != PayloadCrc) throw new InvalidDataException("payload checksum mismatch");
        if (Key is null) return payload;
        var plain = new byte[payload.Length - StoreKey.Overhead];
        Key.Open(payload.AsSpan(0, StoreKey.Overhead), payload.AsSpan(StoreKey.Overhead), plain, PayloadContext);
        return plain;
    }
}

/// <summary>What a build found for one rollup of a block, before its payload is written.</summary>
internal sealed class RollupDraft(int blockTraces)
{
    public byte[] Owned { get; } = new byte[RollupSidecar.BitmapLength(blockTraces)];
    public int OwnedTraces { get; private set; }
    public ulong MinStart { get; private set; } = ulong.MaxValue;
    public ulong MaxStart { get; private set; }

    public void Own(int trace, ulong minStart, ulong maxStart)
    {
        Owned[trace >> 3] |= (byte)(1 << (trace & 7));
        OwnedTraces++;
        MinStart = Math.Min(MinStart, minStart);
        MaxStart = Math.Max(MaxStart, maxStart);
    }
}
