namespace Kubetrace.Cli.Layout;

/// <summary>
/// Sentences for people, broken between words to fit the terminal, the lines after the first indented (a hanging
/// indent, so each statement still starts at the left edge). A word longer than a line (a long span name) is cut
/// in the middle with "…", as a table cell is: a terminal would otherwise break it anywhere.
/// </summary>
public static class WrappedLines
{
    public const string Indent = "    ";

    public static IEnumerable<string> Wrap(string text, int width, string indent = Indent)
    {
        var line = new System.Text.StringBuilder();
        var cells = 0; // of the line so far
        foreach (var whole in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var word = CellWidth.Of(whole) > width - indent.Length ? FittedTable.CutMiddle(whole, Math.Max(1, width - indent.Length)) : whole;
            var wordCells = CellWidth.Of(word);
            if (line.Length > 0 && cells + 1 + wordCells > width)
            {
                yield return line.ToString();
                line.Clear().Append(indent);
                cells = indent.Length;
            }
            else if (line.Length > 0)
            {
                line.Append(' ');
                cells++;
            }
            line.Append(word);
            cells += wordCells;
        }
        if (line.Length > 0) yield return line.ToString();
    }

    public static void WriteLine(TextWriter output, string text, int width)
    {
        var lead = text.Length - text.TrimStart(' ').Length;
        var first = true;
        foreach (var line in Wrap(text.TrimStart(' '), width - lead, Indent))
        {
            output.WriteLine(new string(' ', lead) + line);
            first = false;
        }
        if (first) output.WriteLine();
    }
}
