using Spectre.Console;

namespace Kubetrace.Cli.Layout;

/// <summary>
/// A table laid out to the console's width, as <c>kubectl get</c> lays out its columns: cells never wrap. When the
/// natural widths do not fit, names are first cut in the middle (<c>payments/w…er-7f9c</c>, so both the
/// namespace and the distinguishing suffix stay) down to a readable width while a column declared to go first
/// (<see cref="FittedColumn.GoesFirst"/>) can be left out instead, then shorter, and then the least important columns
/// are left out; a last line says which (<c>--wide</c> shows them). Numbers, durations and IDs are never cut: a cut number would be a wrong one.
/// Every table of the CLI draws through here, so every table behaves the same at 80 columns.
/// </summary>
public sealed class FittedTable(IReadOnlyList<FittedColumn> columns)
{
    /// <summary>Spaces between columns.</summary>
    public const int Gap = 2;

    /// <summary>A name is cut no shorter than this (or its header, if longer).</summary>
    public const int MinNameWidth = 16;

    /// <summary>
    /// A name is cut no shorter than this (or its whole length, if shorter) while a column declared to go first is
    /// still shown: at 80 columns an operation cut to 16 (<c>POST /ap…ce}/pods</c>) no longer says what happened,
    /// and leaving out a trace number or an audit ID costs less.
    /// </summary>
    public const int ReadableNameWidth = 30;

    private readonly List<FittedCell[]> _rows = [];

    public string? Title { get; init; }

    /// <summary>Whether the header line is drawn (a key/value list has none).</summary>
    public bool ShowHeaders { get; init; } = true;

    /// <summary>Whether a rule (<c>───</c>) is drawn under the header, as under an analysis table's.</summary>
    public bool HeaderRule { get; init; }

    public IReadOnlyList<FittedColumn> Columns => columns;

    public FittedTable AddRow(params string[] cells) => AddRow(cells.Select(c => new FittedCell(c)).ToArray());

    public FittedTable AddRow(params FittedCell[] cells)
    {
        if (cells.Length != columns.Count)
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {columns.Count} columns");
        _rows.Add(cells);
        return this;
    }

    /// <summary>Draws the table within <paramref name="width"/> columns (the console's by default).</summary>
    public void Write(IAnsiConsole console, int? width = null)
    {
        var layout = Fit(width ?? console.Profile.Width);
        if (Title is { Length: > 0 } title) console.WriteLine(Cut(title, layout.Width, Truncation.End));
        if (ShowHeaders) WriteLine(console, layout, columns.Select(c => new FittedCell(c.Header)).ToArray());
        if (ShowHeaders && HeaderRule) console.WriteLine(new string('─', Math.Min(layout.Width, layout.LineWidth)));
        var indents = layout.Shown.ToDictionary(i => i, i => Indents(_rows.Select(r => r[i].Text), layout.Widths[i]));
        foreach (var row in _rows) WriteLine(console, layout, row.Select((cell, i) => indents.TryGetValue(i, out var indent) ? cell with { Text = indent(cell.Text) } : cell).ToArray());
        if (layout.Hidden.Count > 0)
            foreach (var line in WrappedLines.Wrap($"({string.Join(", ", layout.Hidden.Select(i => columns[i].Header))} not shown at {layout.Width} columns: --wide shows every column)", layout.Width))
                console.WriteLine(line);
    }

    /// <summary>The columns shown and their widths at <paramref name="width"/>.</summary>
    public TableLayout Fit(int width)
    {
        var natural = columns.Select((c, i) => Math.Max(CellWidth.Of(c.Header), _rows.Count == 0 ? 0 : _rows.Max(r => CellWidth.Of(r[i].Text)))).ToArray();
        var shown = Enumerable.Range(0, columns.Count).ToList();
        var hidden = new List<int>();
        while (true)
        {
            var widths = (int[])natural.Clone();
            if (Shrink(shown, widths, width)) return new TableLayout(width, shown, widths, hidden);
            // Leave out the least important column still shown (those declared to go first first, then the highest
            // rank, the rightmost of equal rank); never a key column.
            var drop = shown.Where(i => columns[i].DropRank > 0).OrderByDescending(i => columns[i].GoesFirst)
                .ThenByDescending(i => columns[i].DropRank).ThenByDescending(i => i).Cast<int?>().FirstOrDefault();
            if (drop is not { } index)
                return new TableLayout(width, shown, widths, hidden); // only key columns left: lines may be longer
            shown.Remove(index);
            hidden.Add(index);
            hidden.Sort();
        }
    }

    /// <summary>
    /// Cuts names until the shown columns fit, the least important first (the key column last), each down to its
    /// minimum before the next is cut; false if they cannot fit.
    /// </summary>
    private bool Shrink(List<int> shown, int[] widths, int width)
    {
        var excess = shown.Sum(i => widths[i]) + Gap * (shown.Count - 1) - width;
        foreach (var i in shown.Where(i => columns[i].Kind == FittedKind.Name).OrderByDescending(i => columns[i].DropRank).ThenByDescending(i => widths[i]))
        {
            if (excess <= 0) break;
            var cut = Math.Min(excess, Math.Max(0, widths[i] - MinWidth(i, shown, widths[i])));
            widths[i] -= cut;
            excess -= cut;
        }
        return excess <= 0;
    }

    /// <summary>
    /// How short a name column may be cut: readable (<see cref="ReadableNameWidth"/>, or whole if shorter) while a
    /// column declared to go first is shown — that column is left out instead —, else <see cref="MinNameWidth"/>.
    /// </summary>
    private int MinWidth(int column, List<int> shown, int natural)
    {
        var least = Math.Max(MinNameWidth, CellWidth.Of(columns[column].Header));
        var readable = !columns[column].GoesFirst && shown.Any(i => columns[i].GoesFirst);
        return readable ? Math.Max(least, Math.Min(natural, ReadableNameWidth)) : least;
    }

    /// <summary>
    /// One row. The line ends at its last cell with text: empty cells on the right (a service's second operation, a
    /// measure without a note) leave no padding behind, so no line ends in spaces.
    /// </summary>
    private void WriteLine(IAnsiConsole console, TableLayout layout, FittedCell[] row)
    {
        var written = layout.Shown.Count;
        while (written > 0 && string.IsNullOrWhiteSpace(row[layout.Shown[written - 1]].Text)) written--;
        for (var n = 0; n < written; n++)
        {
            var i = layout.Shown[n];
            var last = n == written - 1;
            var text = Cut(row[i].Text, layout.Widths[i], Truncation.Middle);
            var pad = layout.Widths[i] - CellWidth.Of(text);
            var cell = columns[i].RightAligned ? new string(' ', pad) + text : last ? text.TrimEnd(' ') : text + new string(' ', pad);
            console.Write(new Text(cell, row[i].Style ?? Style.Plain));
            if (!last) console.Write(new string(' ', Gap));
        }
        console.WriteLine();
    }

    /// <summary>
    /// A tree column's indents (a nested span two columns right of its parent) at <paramref name="width"/>: kept
    /// while the deepest fits in half the column (a cut name keeps no more indent than that), else narrowed to one
    /// column a level, else spread over that half — so a cut name stays right of its parent's instead of every level
    /// below the fourth piling up at one indent.
    /// </summary>
    private static Func<string, string> Indents(IEnumerable<string> cells, int width)
    {
        var levels = cells.Select(IndentOf).Where(i => i > 0).Distinct().Order().ToList();
        var room = width / 2;
        if (levels.Count == 0 || levels[^1] <= room) return text => text;
        var narrowed = levels.Select((indent, n) => (indent, to: (n + 1) * Math.Min(room, levels.Count) / levels.Count)).ToDictionary(l => l.indent, l => l.to);
        return text => IndentOf(text) is var indent and > 0 ? new string(' ', narrowed[indent]) + text[indent..] : text;
    }

    private static int IndentOf(string text) => text.Length - text.TrimStart(' ').Length;

    private enum Truncation { Middle, End }

    /// <summary>Cuts <paramref name="text"/> to <paramref name="width"/> cells with one "…".</summary>
    private static string Cut(string text, int width, Truncation where)
    {
        if (CellWidth.Of(text) <= width) return text;
        // An indented name (a nested request in a timeline) keeps its indent, up to half the room, and cuts its name.
        var indent = Math.Min(text.Length - text.TrimStart(' ').Length, width / 2);
        if (indent > 0) return new string(' ', indent) + Cut(text.TrimStart(' '), width - indent, where);
        // Characters wider than one cell (CJK) make the cut shorter in characters than in cells: shorten until it fits.
        for (var keep = Math.Min(text.Length, width) - 1; keep > 0; keep--)
        {
            var left = where == Truncation.End ? keep : (keep + 1) / 2;
            // Never split a surrogate pair.
            if (left > 0 && char.IsHighSurrogate(text[left - 1])) left--;
            var right = keep - left;
            if (right > 0 && char.IsLowSurrogate(text[^right])) right--;
            var cut = text[..left] + "…" + text[^right..];
            if (CellWidth.Of(cut) <= width) return cut;
        }
        return "…";
    }

    /// <summary>Cuts a name as the table would: for callers that lay out a line of their own.</summary>
    public static string CutMiddle(string text, int width) => Cut(text, width, Truncation.Middle);
}

/// <summary>What may be done to a column's cells to fit: a name may be cut in the middle; an atom (a number,
/// a duration, a time, an ID) is shown whole or not at all.</summary>
public enum FittedKind { Atom, Name }

/// <summary>
/// A column: its header, whether its cells are names (<see cref="FittedKind.Name"/>, cut in the middle to fit) or
/// atoms, and how soon it is left out on a narrow terminal: 0 never (a key column), otherwise the highest rank first.
/// <paramref name="GoesFirst"/>: the table declares it less important than its names being readable (an analysis's
/// <c>dropFirst</c>), so it is left out before any other name is cut below <see cref="FittedTable.ReadableNameWidth"/>.
/// </summary>
public sealed record FittedColumn(string Header, FittedKind Kind = FittedKind.Atom, int DropRank = 0, bool RightAligned = false, bool GoesFirst = false);

/// <summary>A cell's text and, where it matters (errors in red), its style.</summary>
public readonly record struct FittedCell(string Text, Style? Style = null);

/// <summary>The outcome of fitting: the columns shown (in order) with their widths, and those left out.</summary>
public sealed record TableLayout(int Width, IReadOnlyList<int> Shown, IReadOnlyList<int> Widths, IReadOnlyList<int> Hidden)
{
    public int LineWidth => Shown.Sum(i => Widths[i]) + FittedTable.Gap * Math.Max(0, Shown.Count - 1);
}
