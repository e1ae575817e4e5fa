using System.IO.Compression;

namespace Kubetrace.Receivers.Otlp.Http;

/// <summary>Request body compression (Content-Encoding): none, gzip, or deflate (zlib-wrapped, as in HTTP).</summary>
internal enum ContentCoding
{
    Identity,
    Gzip,
    Deflate,
}

internal static class ContentCodings
{
    public static bool TryParse(string? contentEncoding, out ContentCoding coding)
    {
        var value = contentEncoding.AsSpan().Trim();
        coding = ContentCoding.Identity;
        if (value.IsEmpty || value.Equals("identity", StringComparison.OrdinalIgnoreCase)) return true;
        coding = ContentCoding.Gzip;
        if (value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || value.Equals("x-gzip", StringComparison.OrdinalIgnoreCase)) return true;
        coding = ContentCoding.Deflate;
        return value.Equals("deflate", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The decompressed view of <paramref name="body"/>; the caller disposes it (not the body).</summary>
    public static Stream Decode(ContentCoding coding, Stream body) => coding switch
    {
        ContentCoding.Gzip => new GZipStream(body, CompressionMode.Decompress, leaveOpen: true),
        ContentCoding.Deflate => new ZLibStream(body, CompressionMode.Decompress, leaveOpen: true),
        _ => body,
    };
}
