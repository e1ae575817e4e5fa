using System.Globalization;
using System.Text;

namespace Kubetrace.Query.TraceQl;

/// <summary>
/// Durations as TraceQL reads and prints them: Prometheus style first (<c>1y2w3d4h5m6s7ms</c>, whole numbers, units
/// in that order; d = 24h, w = 7d, y = 365d), then Go's <c>time.ParseDuration</c> (<c>1.5h</c>, <c>300us</c>, <c>1µs</c>).
/// Values are nanoseconds; printing is Go's <c>Duration.String</c> (<c>1h30m0s</c>), which Tempo's canonical form uses.
/// </summary>
public static class TraceQlDuration
{
    private static readonly (string Unit, long Nanos)[] PrometheusUnits =
    [
        ("y", 365L * 24 * 3600_000_000_000), ("w", 7L * 24 * 3600_000_000_000), ("d", 24L * 3600_000_000_000),
        ("h", 3600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000),
    ];

    public static bool TryParse(string text, out long nanos) => TryParsePrometheus(text, out nanos) || TryParseGo(text, out nanos);

    private static bool TryParsePrometheus(string text, out long nanos)
    {
        nanos = 0;
        if (text.Length == 0) return false;
        if (text == "0") return true;
        var pos = 0;
        var nextUnit = 0;
        while (pos < text.Length)
        {
            var start = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos])) pos++;
            if (pos == start) return false;
            if (!long.TryParse(text.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return false;
            var unitStart = pos;
            while (pos < text.Length && char.IsAsciiLetter(text[pos])) pos++;
            var unit = text[unitStart..pos];
            var index = Array.FindIndex(PrometheusUnits, nextUnit, u => u.Unit == unit);
            if (index < 0) return false;
            nextUnit = index + 1;
            try
            {
                nanos = checked(nanos + number * PrometheusUnits[index].Nanos);
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryParseGo(string text, out long nanos)
    {
        nanos = 0;
        if (!Config.GoDuration.TryParseNanoseconds(text, out var total) || decimal.Abs(total) > long.MaxValue) return false;
        nanos = (long)decimal.Truncate(total);
        return true;
    }

    /// <summary>Go's <c>time.Duration.String()</c>: <c>1h2m3.5s</c>, <c>150ms</c>, <c>1µs</c>, <c>0s</c>.</summary>
    public static string Format(long nanos)
    {
        if (nanos == 0) return "0s";
        var negative = nanos < 0;
        var u = negative ? (ulong)(-(nanos + 1)) + 1 : (ulong)nanos;
        string body;
        if (u < 1_000_000_000)
        {
            var (unit, scale) = u < 1_000 ? ("ns", 1UL) : u < 1_000_000 ? ("µs", 1_000UL) : ("ms", 1_000_000UL);
            body = Fraction(u, scale) + unit;
        }
        else
        {
            var sb = new StringBuilder();
            var hours = u / 3_600_000_000_000;
            var minutes = u / 60_000_000_000 % 60;
            var seconds = u % 60_000_000_000;
            if (hours > 0) sb.Append(hours).Append('h');
            if (hours > 0 || minutes > 0) sb.Append(minutes).Append('m');
            sb.Append(Fraction(seconds, 1_000_000_000)).Append('s');
            body = sb.ToString();
        }
        return negative ? "-" + body : body;
    }

    private static string Fraction(ulong value, ulong scale)
    {
        var whole = value / scale;
        var fraction = value % scale;
        if (fraction == 0) return whole.ToString(CultureInfo.InvariantCulture);
        var digits = scale.ToString(CultureInfo.InvariantCulture).Length - 1;
        return whole.ToString(CultureInfo.InvariantCulture) + "." +
               fraction.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }
}
