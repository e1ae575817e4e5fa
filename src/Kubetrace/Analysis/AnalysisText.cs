using Kubetrace.Cli.Query;

namespace Kubetrace.Analysis;

/// <summary>Table cells shared by analyses (durations and counts as <see cref="HumanText"/> writes them).</summary>
public static class AnalysisText
{
    public static string Duration(long nanos) => HumanText.Duration(nanos);

    /// <summary>A change: <c>+1.2s</c>, <c>-30ms</c>.</summary>
    public static string Signed(long nanos) => (nanos < 0 ? "-" : "+") + HumanText.Duration(Math.Abs(nanos));

    public static string Count(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
