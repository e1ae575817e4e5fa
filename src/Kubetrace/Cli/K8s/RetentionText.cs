using System.Globalization;
using Kubetrace.Config;

namespace Kubetrace.Cli.K8s;

/// <summary>A retention period as people write it: <c>7d</c>, <c>2w</c>, <c>36h</c>, or any Go duration.</summary>
public static class RetentionText
{
    public static bool TryParse(string text, out TimeSpan retention)
    {
        retention = TimeSpan.Zero;
        var trimmed = text.Trim();
        if (trimmed.Length > 1 && trimmed[^1] is 'd' or 'w'
            && double.TryParse(trimmed[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count))
        {
            retention = TimeSpan.FromDays(count * (trimmed[^1] == 'w' ? 7 : 1));
            return retention > TimeSpan.Zero;
        }
        return GoDuration.TryParse(trimmed, out retention) && retention > TimeSpan.Zero;
    }

    /// <summary><c>7d</c>, <c>36h</c>: how the period is shown back.</summary>
    public static string Format(TimeSpan retention) =>
        retention.TotalDays >= 1 && retention.TotalDays == Math.Floor(retention.TotalDays)
            ? string.Create(CultureInfo.InvariantCulture, $"{retention.TotalDays:0}d")
            : string.Create(CultureInfo.InvariantCulture, $"{retention.TotalHours:0.##}h");
}
