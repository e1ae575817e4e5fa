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

    public static byte[] Compress(ReadOnlySpan<byte> raw)
    {
        _compressor ??= new Compressor(Level);
        return _compressor.Wrap(raw).ToArray();
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
