using ZstdSharp;

namespace Kubetrace.Storage.Encoding;

/// <summary>
/// Compression of block columns: zstd (ZstdSharp, a managed port). Chosen over the BCL's Brotli and Deflate by
/// measurement (docs/storage.md): similar ratio to Brotli at a fraction of the CPU.
/// </summary>
internal static class Codec
{
    public const int Level = 3;

    [ThreadStatic] private static Compressor? _compressor;
    [ThreadStatic] private static Decompressor? _decompressor;
    [ThreadStatic] private static byte[]? _output;

    public static byte[] Compress(ReadOnlySpan<byte> raw)
    {
        _compressor ??= new Compressor(Level);
        return _compressor.Wrap(raw).ToArray();
    }

    /// <summary>Compresses into a buffer of this thread, valid until its next call (the block writer copies it
    /// straight to the file: no array per column).</summary>
    public static ReadOnlySpan<byte> CompressToBuffer(ReadOnlySpan<byte> raw)
    {
        _compressor ??= new Compressor(Level);
        var bound = Compressor.GetCompressBound(raw.Length);
        if (_output is null || _output.Length < bound) _output = new byte[Math.Max(bound, 1 << 16)];
        var written = _compressor.Wrap(raw, _output);
        return _output.AsSpan(0, written);
    }

    public static byte[] Decompress(ReadOnlySpan<byte> compressed, int rawLength)
    {
        _decompressor ??= new Decompressor();
        var output = new byte[rawLength];
        var written = _decompressor.Unwrap(compressed, output);
        if (written != rawLength) throw new InvalidDataException($"column decompressed to {written} bytes, expected {rawLength}");
        return output;
    }

    /// <summary>Decompresses into a caller's buffer of exactly the raw length (scans reuse their buffers).</summary>
    public static void DecompressInto(ReadOnlySpan<byte> compressed, Span<byte> output)
    {
        _decompressor ??= new Decompressor();
        var written = _decompressor.Unwrap(compressed, output);
        if (written != output.Length) throw new InvalidDataException($"column decompressed to {written} bytes, expected {output.Length}");
    }
}
