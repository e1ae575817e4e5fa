using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Kubetrace.Cli.Query;

/// <summary>Draws an analysis table as the native API sends it (<c>{"title","columns","rows","notes"}</c>).</summary>
public static class AnalysisTablePrinter
{
    /// <summary>Title, rows as sent (worst first; the first <paramref name="maxRows"/> when given), then the notes.</summary>
    public static void Print(IAnsiConsole console, JsonElement table, int? maxRows = null, bool notes = true)
    {
        var grid = new Table().Border(TableBorder.Simple).Title(Markup.Escape(table.GetProperty("title").GetString() ?? ""));
        foreach (var column in table.GetProperty("columns").EnumerateArray())
            grid.AddColumn(new TableColumn(Markup.Escape(column.GetString() ?? "")));
        var rows = table.GetProperty("rows").EnumerateArray().ToList();
        foreach (var row in rows.Take(maxRows ?? int.MaxValue))
            grid.AddRow(row.EnumerateArray().Select(cell => (IRenderable)new Text(cell.GetString() ?? "")).ToArray());
        if (grid.Columns.Count > 0) console.Write(grid);
        if (rows.Count > (maxRows ?? int.MaxValue)) console.WriteLine($"  ... {rows.Count - maxRows} more rows");
        if (!notes) return;
        foreach (var note in table.GetProperty("notes").EnumerateArray()) console.WriteLine(note.GetString() ?? "");
    }
}
