using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Kubetrace.Cli.Query;

/// <summary>
/// Draws a <see cref="TraceTree"/> as a table: the span name indented by tree guides, its service, its duration,
/// and a bar placed on the trace's timeline (start offset and length scaled to the columns left). Errors are red
/// and marked <c>!</c>, so they also show without colour.
/// </summary>
public static class TraceView
{
    public const char Bar = '█';
    private const int MinTimeline = 10;

    /// <summary>Width of the view for <c>--wide</c> and piped output.</summary>
    public const int WideWidth = 200;

    public static IRenderable Render(string traceId, TraceTree tree, int width)
    {
        var durations = tree.Rows.Select(r => HumanText.Duration(r.DurationNanos)).ToList();
        var services = tree.Rows.Select(r => r.Service).ToList();
        var durationWidth = Math.Max("DURATION".Length, durations.Max(d => d.Length));
        // Each column but the last has one space of padding on its right. The timeline gets two fifths of the
        // room at least, the service a fifth at most; long span names are cut in the middle rather than wrapped.
        var room = width - durationWidth - 3;
        var serviceWidth = Math.Min(Math.Max("SERVICE".Length, services.Max(s => s.Length)), Math.Max(8, room / 5));
        var unit = FullUnit;
        var labels = tree.Rows.Select(r => LabelWithGuides(r, unit)).ToList();
        var labelWidth = LabelWidth();
        // A deep tree whose names are cut draws narrower guides rather than cut them: every row's depth stays readable.
        var maxDepth = tree.Rows.Max(r => r.Depth);
        if (labels.Any(l => Layout.CellWidth.Of(l) > labelWidth) && GuideWidth(maxDepth, unit) > labelWidth / 2)
        {
            unit = GuideWidth(maxDepth, 2) <= labelWidth / 2 ? 2 : 1;
            labels = tree.Rows.Select(r => LabelWithGuides(r, unit)).ToList();
            labelWidth = LabelWidth();
        }
        var timeline = Math.Max(MinTimeline, room - labelWidth - serviceWidth);
        // Each column but the last is followed by one space; a line ends where its bar does (no trailing spaces).
        var lines = new List<IRenderable>
        {
            Line((Pad("SPAN", labelWidth), Style.Plain), (Pad("SERVICE", serviceWidth), Style.Plain), (PadLeft("DURATION", durationWidth), Style.Plain), ("TIMELINE", Style.Plain)),
        };
        for (var i = 0; i < tree.Rows.Count; i++)
        {
            var row = tree.Rows[i];
            var style = row.IsError ? new Style(Color.Red) : Style.Plain;
            lines.Add(Line(
                (Pad(FitLabel(labels[i], GuideWidth(row.Depth, unit), labelWidth), labelWidth), style),
                (Pad(Layout.FittedTable.CutMiddle(services[i], serviceWidth), serviceWidth), row.IsError ? style : new Style(Color.Aqua)),
                (PadLeft(durations[i], durationWidth), style),
                (Timeline(row, tree, timeline).TrimEnd(' '), row.IsError ? style : new Style(Color.Green))));
        }
        var errors = tree.Rows.Count(r => r.IsError);
        // Two short lines rather than one that wraps on a narrow terminal.
        var header = new Text($"trace {traceId}\n" +
            $"{HumanText.Time(tree.StartNanos)} UTC  {HumanText.Duration(tree.DurationNanos)}  {Plural(tree.Rows.Count, "span")}  " +
            $"{Plural(tree.Rows.Select(r => r.Service).Distinct().Count(), "service")}  {Plural(errors, "error")}");
        return new Rows([header, .. lines]);

        int LabelWidth() => Math.Min(Math.Max("SPAN".Length, labels.Max(l => l.Length)),
            Math.Max(12, room - serviceWidth - Math.Max(MinTimeline, room * 2 / 5)));
    }

    /// <summary>The bar of one span: offset and length proportional to the trace, at least one cell so short spans show.</summary>
    public static string Timeline(TraceTreeRow row, TraceTree tree, int width)
    {
        var total = Math.Max(1, tree.DurationNanos);
        var offset = (int)Math.Min(width - 1, (row.StartNanos - tree.StartNanos) * width / total);
        var length = (int)Math.Clamp((long)Math.Round((double)row.DurationNanos * width / total), 1, width - offset);
        return new string(' ', offset) + new string(Bar, length) + new string(' ', width - offset - length);
    }

    /// <summary>
    /// The span's name behind its tree guides: one column per ancestor below the root, a <c>│</c> where that ancestor
    /// has later siblings (so its line goes on below), blank where it was the last of them.
    /// </summary>
    public static string Label(TraceTreeRow row) => LabelWithGuides(row, FullUnit);

    /// <summary>
    /// The same with <paramref name="unit"/> columns per ancestor: 3 (<c>│  </c>, <c>└─ </c>), 2 (<c>│ </c>, <c>└ </c>)
    /// or 1 (<c>│</c>, and <c>└ </c> so a space still parts the guide from the name).
    /// </summary>
    public static string LabelWithGuides(TraceTreeRow row, int unit)
    {
        var text = new StringBuilder();
        // LastAtLevel[i] tells whether the ancestor at depth i + 1 (the row itself for the last entry) is a last child.
        for (var depth = 1; depth < row.Depth; depth++) text.Append(row.LastAtLevel[depth - 1] ? ' ' : '│').Append(' ', unit - 1);
        if (row.Depth > 0) text.Append(row.LastAtLevel[^1] ? '└' : '├').Append(unit == FullUnit ? "─ " : " ");
        text.Append(row.Name);
        if (row.IsError) text.Append(" !");
        return text.ToString();
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{HumanText.Count(count)} {noun}s";

    /// <summary>One line of cells, each followed by a space but the last.</summary>
    private static Paragraph Line(params (string Text, Style Style)[] cells)
    {
        var line = new Paragraph();
        for (var i = 0; i < cells.Length; i++) line.Append(i < cells.Length - 1 ? cells[i].Text + " " : cells[i].Text, cells[i].Style);
        return line;
    }

    private static string Pad(string text, int width) => text + new string(' ', Math.Max(0, width - Layout.CellWidth.Of(text)));

    private static string PadLeft(string text, int width) => new string(' ', Math.Max(0, width - Layout.CellWidth.Of(text))) + text;

    /// <summary>
    /// A label that does not fit keeps its tree guides (up to half the column) and cuts the span's name in the middle:
    /// both ends of a name tell (<c>runtime.v1.R…nPodSandbox</c>, <c>GET /a…/pods</c>).
    /// </summary>
    private static string FitLabel(string label, int guides, int width)
    {
        if (Layout.CellWidth.Of(label) <= width) return label;
        var kept = Math.Min(guides, width / 2);
        return label[..kept] + Layout.FittedTable.CutMiddle(label[guides..], width - kept);
    }

    /// <summary>Columns per tree level when the guides fit: <c>│  </c>.</summary>
    private const int FullUnit = 3;

    /// <summary>How many characters of a label at <paramref name="depth"/> are tree guides (<see cref="LabelWithGuides"/>).</summary>
    private static int GuideWidth(int depth, int unit) => depth == 0 ? 0 : unit * (depth - 1) + Math.Max(unit, 2);
}
