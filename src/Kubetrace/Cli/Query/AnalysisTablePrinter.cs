using System.Text.Json;
using System.Text.RegularExpressions;
using Kubetrace.Cli.Layout;
using Spectre.Console;

namespace Kubetrace.Cli.Query;

/// <summary>
/// Draws an analysis table as the native API sends it (<c>{"title","columns","rows","notes","dropFirst"}</c>), fitted
/// to the console: the row's key (the first column the analysis does not name in <c>dropFirst</c>) is always shown;
/// columns of names are cut in the middle, no shorter than readable while a column named in <c>dropFirst</c> (or the
/// Traces count) is shown; on a narrow terminal those are left out first, then the rightmost. A timeline names its first column, the time, so that its offsets (<c>+</c>) carry the
/// order and the step keeps its room at 80 columns.
/// </summary>
public static partial class AnalysisTablePrinter
{
    /// <summary>Title, rows as sent (worst first; the first <paramref name="maxRows"/> when given), then the notes.</summary>
    public static void Print(IAnsiConsole console, JsonElement table, int? maxRows = null, bool notes = true)
    {
        var headers = table.GetProperty("columns").EnumerateArray().Select(c => c.GetString() ?? "").ToList();
        var rows = table.GetProperty("rows").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(cell => cell.GetString() ?? "").ToArray()).ToList();
        var dropFirst = table.TryGetProperty("dropFirst", out var named) ? named.EnumerateArray().Select(c => c.GetString() ?? "").ToList() : [];
        var shown = rows.Take(maxRows ?? int.MaxValue).ToList();
        if (headers.Count > 0)
        {
            var fitted = new FittedTable(Columns(headers, shown, dropFirst)) { Title = table.GetProperty("title").GetString(), HeaderRule = true };
            foreach (var row in shown) fitted.AddRow(row);
            fitted.Write(console);
        }
        if (rows.Count > shown.Count) console.WriteLine($"  ... {rows.Count - shown.Count} more rows");
        if (!notes) return;
        foreach (var note in table.GetProperty("notes").EnumerateArray())
            foreach (var line in WrappedLines.Wrap(note.GetString() ?? "", console.Profile.Width)) console.WriteLine(line);
    }

    /// <summary>
    /// The layout of each column, read from the cells (the API sends text): a column whose cells are all numbers,
    /// durations, percentages or short words is an atom, right-aligned when numeric; any other is a name.
    /// </summary>
    private static List<FittedColumn> Columns(List<string> headers, List<string[]> rows, List<string> dropFirst)
    {
        var columns = new List<FittedColumn>();
        var key = KeyColumn(headers, dropFirst);
        for (var i = 0; i < headers.Count; i++)
        {
            var cells = rows.Select(r => i < r.Length ? r[i] : "").Where(c => c.Length > 0).ToList();
            var numeric = cells.Count > 0 && cells.All(c => Numeric().IsMatch(c));
            var atom = cells.All(c => c.Length <= ShortWord || Numeric().IsMatch(c));
            var named = dropFirst.IndexOf(headers[i]);
            // Named columns go first (the first named, the highest rank), then the rest from the right; the key column never.
            var rank = i == key ? 0 : named >= 0 ? headers.Count + dropFirst.Count - named : i;
            // The named columns, and the sampling mechanism's trace count, go before a name is cut below readable.
            var goesFirst = i != key && (named >= 0 || headers[i] == Kubetrace.Analysis.AnalysisJson.TracesColumn);
            columns.Add(new FittedColumn(headers[i], atom ? FittedKind.Atom : FittedKind.Name, rank, RightAligned: numeric, GoesFirst: goesFirst));
        }
        return columns;
    }

    /// <summary>The column always shown: the first the analysis does not name to be left out first.</summary>
    public static int KeyColumn(IReadOnlyList<string> headers, IReadOnlyList<string> dropFirst) =>
        Math.Max(0, headers.ToList().FindIndex(h => !dropFirst.Contains(h)));

    /// <summary>Longest word shown whole in a column of words ("error", "create", "ok").</summary>
    private const int ShortWord = 12;

    /// <summary>A count, duration, rate, size, percentage, signed difference or time: "1,234", "12.5ms", "4m26s", "+3.1s", "46%",
    /// "—", "2026-01-02 10:00:00.123"; with the marks of a figure resting on a small sample (SampleText): "≥205ms",
    /// "6.96ms?", "≈25/s", "25 (≈250,000)", "0% (0–98%)".</summary>
    [GeneratedRegex(@"^([≥≤≈]?[-+]?[\d.,]+\s?[a-zA-Zµ%/]{0,4}(\d+[a-zµ]{1,2})?(/s)?\??( \((≈[\d.,]+|[\d.,]+%?–[\d.,]+%)\))?|—|-|n/a|\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?Z?)$")]
    private static partial Regex Numeric();
}
