using System.Globalization;

namespace Kubetrace.Processors.Sampling;

/// <summary>
/// The OpenTelemetry consistent-probability sampling threshold (the <c>th</c> value of the <c>ot</c> entry in
/// <c>tracestate</c>): a 56-bit number T; a span is kept when its 56-bit randomness R satisfies R ≥ T, so the
/// sampling probability is (2^56 − T) / 2^56 and each kept span stands for 2^56 / (2^56 − T) spans.
/// </summary>
/// <remarks>
/// Written as 1 to 14 lowercase hex digits with trailing zeros removed (<c>th:8</c> is 50%, <c>th:c</c> 25%,
/// <c>th:0</c> 100%). T = 2^56 means "never" and has no encoding.
/// </remarks>
public readonly record struct SamplingThreshold(ulong Unsigned)
{
    public const int HexDigits = 14;

    /// <summary>2^56: the count of distinct randomness values.</summary>
    public const ulong MaxAdjustedCount = 1UL << 56;

    /// <summary>The smallest probability a threshold can express (2^-56); smaller rates are invalid.</summary>
    public const double MinProbability = 1.0 / MaxAdjustedCount;

    public static SamplingThreshold Always { get; } = new(0);

    public static SamplingThreshold Never { get; } = new(MaxAdjustedCount);

    public bool ShouldSample(ulong randomness) => randomness >= Unsigned;

    public double Probability => (double)(MaxAdjustedCount - Unsigned) / MaxAdjustedCount;

    /// <summary>How many spans each kept span represents (the count to scale analyses by).</summary>
    public double AdjustedCount => Unsigned == MaxAdjustedCount ? 0 : MaxAdjustedCount / (double)(MaxAdjustedCount - Unsigned);

    /// <summary>Greater threshold = lower probability.</summary>
    public bool IsLessProbableThan(SamplingThreshold other) => Unsigned > other.Unsigned;

    /// <summary>
    /// The threshold for <paramref name="probability"/>, rounded to <paramref name="precision"/> hex digits, with
    /// more digits near 0 and 1 so that the relative error stays small there (the specification's rounding).
    /// </summary>
    /// <returns>False when the probability is outside [2^-56, 1].</returns>
    public static bool TryFromProbability(double probability, int precision, out SamplingThreshold threshold)
    {
        threshold = Always;
        if (!(probability >= MinProbability && probability <= 1)) return false;
        if (probability == 1) return true;
        // Each leading hex 0 (or f, for probabilities near 1) costs one digit of precision: add it back. The exponent
        // is frexp's (value = fraction × 2^exponent, fraction in [0.5, 1)); integer division truncates like Go's.
        var exponent = Math.ILogB(probability) + 1;
        var complementExponent = Math.ILogB(1 - probability) + 1;
        var digits = Math.Min(HexDigits, Math.Max(precision + exponent / -4, precision + complementExponent / -4));
        var scaled = (ulong)Math.Round(probability * MaxAdjustedCount);
        var unsigned = MaxAdjustedCount - scaled;
        var shift = 4 * (HexDigits - digits);
        if (shift > 0)
        {
            unsigned += 1UL << (shift - 1);
            unsigned = unsigned >> shift << shift;
        }
        threshold = new SamplingThreshold(unsigned);
        return true;
    }

    /// <summary>Rounds down to <paramref name="precision"/> hex digits: the probability only grows, so every span
    /// kept under the exact threshold stays consistent with the rounded one.</summary>
    public SamplingThreshold RoundedDown(int precision)
    {
        var shift = 4 * (HexDigits - Math.Clamp(precision, 1, HexDigits));
        return new SamplingThreshold(Unsigned >> shift << shift);
    }

    /// <summary>The <c>th</c> text; empty for <see cref="Never"/>.</summary>
    public string TValue()
    {
        if (Unsigned == 0) return "0";
        if (Unsigned >= MaxAdjustedCount) return "";
        return Unsigned.ToString("x14", CultureInfo.InvariantCulture).TrimEnd('0');
    }

    public static bool TryParse(ReadOnlySpan<char> text, out SamplingThreshold threshold)
    {
        threshold = default;
        if (text.Length is 0 or > HexDigits || !IsLowerHex(text)) return false;
        var value = ulong.Parse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        threshold = new SamplingThreshold(value << (4 * (HexDigits - text.Length)));
        return true;
    }

    internal static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f')) return false;
        return true;
    }

    public override string ToString() => $"th:{TValue()} (p={Probability:G6})";
}
