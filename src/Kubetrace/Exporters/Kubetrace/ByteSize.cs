using System.Globalization;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>Parses sizes like "20GiB", "500MB", "1.5G" or "1073741824" (empty = 0 = no limit).</summary>
public static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("tib", 1L << 40),
        ("kb", 1_000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("tb", 1_000_000_000_000),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("t", 1L << 40), ("b", 1),
    ];

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var trimmed = (text ?? "").Trim().ToLowerInvariant();
        if (trimmed.Length == 0) return true;
        var factor = 1L;
        foreach (var (suffix, unit) in Units)
        {
            if (!trimmed.EndsWith(suffix, StringComparison.Ordinal)) continue;
            factor = unit;
            trimmed = trimmed[..^suffix.Length].TrimEnd();
            break;
        }
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0) return false;
        bytes = (long)(value * factor);
        return true;
    }
}
