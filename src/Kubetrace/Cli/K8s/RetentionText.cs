using System.Globalization;
using Kubetrace.Config;

namespace Kubetrace.Cli.K8s;

/// <summary>A retention period as people write it: <c>7d</c>, <c>2w</c>, <c>36h</c> (the flags' duration grammar, <see cref="GoDuration.TryParseWithDays"/>).</summary>
public static class RetentionText
{
    public static bool TryParse(string text, out TimeSpan retention) =>
        GoDuration.TryParseWithDays(text, out retention) && retention > TimeSpan.Zero;

    /// <summary><c>7d</c>, <c>36h</c>: how the period is shown back.</summary>
    public static string Format(TimeSpan retention) =>
        retention.TotalDays >= 1 && retention.TotalDays == Math.Floor(retention.TotalDays)
            ? string.Create(CultureInfo.InvariantCulture, $"{retention.TotalDays:0}d")
            : string.Create(CultureInfo.InvariantCulture, $"{retention.TotalHours:0.##}h");
}
