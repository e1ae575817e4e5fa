using System.Globalization;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>Sizes as people write them in config: <c>10GiB</c>, <c>500MB</c>, <c>1.5TiB</c>, <c>4096</c> (bytes);
/// empty is 0 (no limit).</summary>
public static class ByteSize
{
    private static readonly (string Unit, double Factor)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12),
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
        ("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("B", 1),
    ];

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0) return true;
        var factor = 1.0;
        foreach (var (unit, f) in Units)
        {
            if (!trimmed.EndsWith(unit, StringComparison.OrdinalIgnoreCase)) continue;
            trimmed = trimmed[..^unit.Length].TrimEnd();
            factor = f;
            break;
        }
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ||
            number < 0 || double.IsInfinity(number * factor) || number * factor > long.MaxValue) return false;
        bytes = (long)(number * factor);
        return true;
    }
}
