namespace Kubetrace.Receivers.Otlp.Http;

/// <summary>The two OTLP/HTTP payload encodings, chosen by Content-Type; the response uses the request's.</summary>
internal enum OtlpEncoding
{
    Protobuf,
    Json,
}

internal static class OtlpMediaType
{
    public const string Protobuf = "application/x-protobuf";
    public const string Json = "application/json";

    /// <summary>Parses a Content-Type, ignoring parameters such as <c>charset=utf-8</c> and letter case.</summary>
    public static bool TryParse(string? contentType, out OtlpEncoding encoding)
    {
        encoding = OtlpEncoding.Protobuf;
        if (contentType is null) return false;
        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0) mediaType = mediaType[..semicolon];
        mediaType = mediaType.Trim();
        if (mediaType.Equals(Protobuf, StringComparison.OrdinalIgnoreCase)) return true;
        encoding = OtlpEncoding.Json;
        return mediaType.Equals(Json, StringComparison.OrdinalIgnoreCase);
    }

    public static string Of(OtlpEncoding encoding) => encoding == OtlpEncoding.Json ? Json : Protobuf;
}
