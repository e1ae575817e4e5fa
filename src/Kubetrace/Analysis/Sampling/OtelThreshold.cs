using System.Globalization;

namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// The consistent-probability sampling threshold an OpenTelemetry sampler writes into the W3C <c>tracestate</c>
/// (<c>ot=th:fd70a4</c>; OpenTelemetry specification, "TraceState: Probability Sampling"): 1 to 14 hex digits, padded
/// with trailing zeros to a 56-bit rejection threshold T. A span was kept with probability (2⁵⁶ − T) / 2⁵⁶, so it
/// stands for 2⁵⁶ / (2⁵⁶ − T) spans (its adjusted count); <c>th:0</c> keeps everything.
/// </summary>
public static class OtelThreshold
{
    public const long MaxAdjustedCount = 1L << 56;

    /// <summary>The rejection threshold in <paramref name="traceState"/>'s <c>ot</c> member; -1 when absent or malformed.</summary>
    public static long Parse(string? traceState)
    {
        if (string.IsNullOrEmpty(traceState)) return -1;
        foreach (var member in traceState.AsSpan().Split(','))
        {
            var text = traceState.AsSpan()[member].Trim();
            if (!text.StartsWith("ot=", StringComparison.Ordinal)) continue;
            foreach (var field in text[3..].Split(';'))
            {
                var pair = text[3..][field];
                if (pair.StartsWith("th:", StringComparison.Ordinal)) return ParseHex(pair[3..]);
            }
        }
        return -1;
    }

    private static long ParseHex(ReadOnlySpan<char> digits)
    {
        if (digits.Length is < 1 or > 14 || !long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            return -1;
        return value << (4 * (14 - digits.Length));
    }

    /// <summary>How many spans one kept span with threshold <paramref name="threshold"/> stands for.</summary>
    public static double AdjustedCount(long threshold) => (double)MaxAdjustedCount / (MaxAdjustedCount - threshold);
}
