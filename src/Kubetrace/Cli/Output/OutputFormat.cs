namespace Kubetrace.Cli.Output;

/// <summary>
/// What a table command prints, as <c>kubectl -o</c> names it: the table fitted to the terminal, the table with every
/// column whole, or the data the table is drawn from as JSON or YAML (for programs).
/// </summary>
public enum OutputFormat { Table, Wide, Json, Yaml }

public static class OutputFormats
{
    /// <summary>The names <c>-o</c> takes (<c>table</c>, <c>wide</c>, <c>json</c>, <c>yaml</c>).</summary>
    public static readonly IReadOnlyList<string> Names = Enum.GetValues<OutputFormat>().Select(f => f.ToString().ToLowerInvariant()).ToArray();

    public static bool TryParse(string text, out OutputFormat format)
    {
        foreach (var candidate in Enum.GetValues<OutputFormat>())
            if (string.Equals(Names[(int)candidate], text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                format = candidate;
                return true;
            }
        format = OutputFormat.Table;
        return false;
    }

    /// <summary>Whether the format is data for a program (JSON, YAML) rather than a table for a person.</summary>
    public static bool IsData(this OutputFormat format) => format is OutputFormat.Json or OutputFormat.Yaml;
}
