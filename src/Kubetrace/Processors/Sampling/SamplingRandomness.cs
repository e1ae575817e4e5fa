using System.Buffers.Binary;
using System.Globalization;

namespace Kubetrace.Processors.Sampling;

/// <summary>
/// The 56 random bits a consistent-probability sampler compares with a <see cref="SamplingThreshold"/>: the
/// explicit <c>rv</c> of the <c>ot</c> tracestate entry when present, otherwise the last 7 bytes of the trace ID
/// (W3C Trace Context level 2 makes those random).
/// </summary>
public static class SamplingRandomness
{
    public const ulong Mask = SamplingThreshold.MaxAdjustedCount - 1;

    /// <summary>The lower 56 bits of a 16-byte trace ID, big-endian.</summary>
    public static ulong FromTraceId(ReadOnlySpan<byte> traceId) =>
        traceId.Length == 16 ? BinaryPrimitives.ReadUInt64BigEndian(traceId[8..]) & Mask : 0;

    /// <summary>An <c>rv</c> value: exactly 14 lowercase hex digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out ulong randomness)
    {
        randomness = 0;
        if (text.Length != SamplingThreshold.HexDigits || !SamplingThreshold.IsLowerHex(text)) return false;
        randomness = ulong.Parse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return true;
    }

    public static string Format(ulong randomness) => (randomness & Mask).ToString("x14", CultureInfo.InvariantCulture);

    /// <summary>True for the all-zero trace ID, which W3C calls invalid (and which carries no randomness).</summary>
    public static bool IsEmptyTraceId(ReadOnlySpan<byte> traceId) => traceId.Length != 16 || traceId.IndexOfAnyExcept((byte)0) < 0;
}
