using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Kubetrace.Analysis;
using Kubetrace.Cli.Layout;
using Kubetrace.Cli.Query;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Pipeline;
using Kubetrace.Query;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using Spectre.Console;

namespace Kubetrace.Tests.Cli.Layout;

/// <summary>
/// Every analysis table, as <c>kubetrace analyze</c> draws it from the API's answer, reads at 80, 100, 120 and
/// 200 columns: no line is longer than the terminal, every row is one line (no cell wrapped), each shown cell is
/// the value or the value cut in the middle with "…", and the key column is always there.
/// </summary>
public sealed class AnalysisTableLayoutTests(AnalysisTableLayoutTests.SimulatedTables tables) : IClassFixture<AnalysisTableLayoutTests.SimulatedTables>
{
    public static TheoryData<int> Widths => new(80, 100, 120, 200);

    [Theory]
    [MemberData(nameof(Widths))]
    public void Every_analysis_table_fits_the_terminal_without_wrapping(int width)
    {
        Assert.True(tables.All.Count >= 11, $"only {tables.All.Count} tables");
        foreach (var (name, record) in tables.All)
        {
            var json = Json(record);
            var table = Sent.Of(json); // as the API sends it: with the Traces column the sampling mechanism adds
            var lines = Render(json, width, notes: false);

            Assert.All(lines, l => Assert.True(l.Length <= width, $"{name} at {width}: a line of {l.Length}: {l}"));
            Assert.Equal(table.Title.Length <= width ? table.Title : table.Title[..(width - 1)] + "…", lines[0]);
            var key = table.Key;
            Assert.Contains(table.Columns[key], Regex.Split(lines[1].Trim(), " {2,}"));
            if (key == 0) Assert.StartsWith(table.Columns[0], lines[1].TrimStart(), StringComparison.Ordinal);
            Assert.StartsWith("───", lines[2], StringComparison.Ordinal);
            var rows = lines.Skip(3).Take(table.Rows.Count).ToList();
            Assert.Equal(table.Rows.Count, rows.Count);
            // After the rows only the note naming the columns left out (and only when some were).
            Assert.All(lines.Skip(3 + table.Rows.Count), l => Assert.Matches(@"^\(.+|^    .+", l));
            for (var r = 0; r < rows.Count; r++)
            {
                var cells = Regex.Split(rows[r].Trim(), " {2,}");
                Assert.True(key == 0 ? IsShownAs(table.Rows[r][0], cells[0]) : cells.Any(c => IsShownAs(table.Rows[r][key], c)),
                    $"{name} at {width}: row {r} does not show its key \"{table.Rows[r][key]}\": {rows[r]}");
                foreach (var cell in cells)
                    Assert.True(table.Rows[r].Any(value => IsShownAs(value, cell)), $"{name} at {width}: \"{cell}\" is no cell of row {r} (broken?)\n{rows[r]}\n{string.Join(" | ", table.Rows[r])}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Notes_are_broken_between_words(int width)
    {
        foreach (var (name, record) in tables.All)
        {
            var table = Sent.Of(Json(record));
            var lines = Render(Json(record), width, notes: true);
            var noteLines = lines.Skip(Render(Json(record), width, notes: false).Length).ToList();

            Assert.All(noteLines, l => Assert.True(l.Length <= width, $"{name} at {width}: {l}"));
            var words = string.Join(" ", noteLines.Select(l => l.Trim())).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var expected = string.Join(" ", table.Notes).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(expected.Length, words.Length);
            for (var i = 0; i < words.Length; i++)
                Assert.True(IsShownAs(expected[i], words[i]), $"{name} at {width}: \"{words[i]}\" for \"{expected[i]}\"");
        }
    }

    /// <summary>No line ends in spaces, also whole (piped, --wide): a row ends at its last text (<see cref="FittedTableTests.A_row_ends_at_its_last_cell_with_text"/>).</summary>
    [Theory]
    [MemberData(nameof(Widths))]
    [InlineData(QueryConsole.WideWidth)]
    public void No_line_ends_in_spaces(int width)
    {
        foreach (var (name, record) in tables.All)
            Assert.All(Render(Json(record), width, notes: true), l => Assert.False(l.EndsWith(' '), $"{name} at {width}: a line ends in spaces: \"{l}\""));
    }

    /// <summary>As FittedTable.ReadableNameWidth: a name cut shorter no longer reads.</summary>
    private const int ReadableWidth = 30;

    /// <summary>
    /// The object timeline at 80 columns: its operations were cut to 16 columns (<c>POST /api…}/pods</c>) while
    /// the trace number stayed; now a name is cut below <see cref="ReadableWidth"/> only when no column
    /// the analysis declares to go first is left to leave out. Each operation is whole or cut no shorter than that (indent included),
    /// no line is over 80 and no cell is broken.
    /// </summary>
    [Fact]
    public void At_80_columns_the_object_timeline_keeps_its_operations_readable()
    {
        var (_, record) = tables.All.Single(t => t.Name == "object");
        var table = Sent.Of(Json(record));
        var lines = Render(Json(record), 80, notes: false);
        var operation = table.Columns.IndexOf("Operation");
        var start = lines[1].IndexOf("Operation", StringComparison.Ordinal);

        Assert.True(start > 0, lines[1]);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"a line of {l.Length}: {l}"));
        Assert.Contains(table.Rows, r => r[operation].Length > ReadableWidth);
        var levels = table.Rows.Select(r => r[operation].Length - r[operation].TrimStart(' ').Length).Where(i => i > 0).Distinct().Count();
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var value = table.Rows[r][operation];
            var shown = Regex.Match(lines[3 + r][start..], @"^ *\S+( \S+)*").Value;
            Assert.True(IsShownAs(value, shown.Trim()), $"\"{shown}\" is not \"{value}\" (broken?)");
            // Cut, the name keeps the readable width less at most a column a level of indent.
            Assert.True(shown.Trim() == value.Trim() || shown.Length >= ReadableWidth && shown.Trim().Length >= ReadableWidth - levels,
                $"\"{value}\" cut to {shown.Length} columns: \"{shown}\"");
        }
    }

    [Fact]
    public void At_80_columns_the_apiserver_anatomy_keeps_its_phases_and_drops_the_spread_first()
    {
        var (_, table) = tables.All.Single(t => t.Name == "apiserver");
        var header = Render(Json(table), 80, notes: false)[1];

        Assert.Matches(@"^Verb +Resource +(Count +)?p99 +Authz +(APF +)?Webhooks +Etcd", header);
        Assert.DoesNotContain("p95", header);
    }

    /// <summary>
    /// A timeline names its time column to be left out first (the offsets carry the order): the flow kept the time,
    /// a column the printer held as the row's key, and left out its steps and their durations at 80 columns.
    /// </summary>
    [Theory]
    [InlineData("flow", "Step")]
    [InlineData("object", "Operation")]
    public void At_80_columns_a_timeline_leaves_out_the_time_and_keeps_what_happened_and_how_long(string analysis, string what)
    {
        var (_, table) = tables.All.Single(t => t.Name == analysis);
        var lines = Render(Json(table), 80, notes: false);
        var header = Regex.Split(lines[1].Trim(), " {2,}");

        Assert.Equal(["+", "Component"], header[..2]);
        Assert.Contains(what, header);
        Assert.Contains("Duration", header);
        Assert.DoesNotContain("Time (UTC)", header);
        Assert.Contains(lines, l => l.StartsWith("(Time (UTC)", StringComparison.Ordinal));
    }

    [Fact]
    public void At_80_columns_every_table_that_measures_latency_keeps_a_p99()
    {
        var measured = tables.All.Where(t => t.Table.Columns.Any(IsP99)).ToList();
        Assert.Contains(measured, t => t.Name == "etcd");
        Assert.Contains(measured, t => t.Name == "red");
        foreach (var (name, table) in measured)
        {
            var header = Regex.Split(Render(Json(table), 80, notes: false)[1].Trim(), " {2,}");
            Assert.True(header.Any(IsP99), $"{name} at 80 columns shows no p99: {string.Join(" | ", header)}");
        }

        static bool IsP99(string column) => Regex.IsMatch(column, @"\bp99\b", RegexOptions.IgnoreCase);
    }

    [Fact]
    public void Figures_are_right_aligned_with_their_sampling_marks_and_in_minutes()
    {
        var json = JsonDocument.Parse("""
            {"title":"t","columns":["Name","p99","Rate","Error %","Calls"],"notes":[],"rows":[
              ["a","≥205ms","≈25/s","0% (0–98%)","25 (≈250,000)"],
              ["bb","4m26s","2.2/s","2.0%","1,234"],
              ["ccc","6.96ms?","0/s","0%","7"]]}
            """).RootElement;
        var lines = Render(json, 200, notes: false);
        var header = lines[1];

        foreach (var column in new[] { "p99", "Rate", "Error %", "Calls" })
        {
            var end = header.IndexOf(column, StringComparison.Ordinal) + column.Length;
            var cells = json.GetProperty("rows").EnumerateArray()
                .Select(r => r[Array.IndexOf(["Name", "p99", "Rate", "Error %", "Calls"], column)].GetString()!);
            foreach (var (cell, line) in cells.Zip(lines.Skip(3)))
                Assert.True(line.IndexOf(cell, StringComparison.Ordinal) + cell.Length == end,
                    $"\"{cell}\" does not end under \"{column}\" (right-aligned):\n{header}\n{line}");
        }
    }

    /// <summary>The table as the API's JSON carries it.</summary>
    private sealed record Sent(string Title, List<string> Columns, List<string[]> Rows, List<string> Notes, List<string> DropFirst)
    {
        /// <summary>The column every width shows: the first the analysis does not name to be left out first.</summary>
        public int Key => Columns.FindIndex(c => !DropFirst.Contains(c));

        public static Sent Of(JsonElement json) => new(
            json.GetProperty("title").GetString()!,
            json.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList(),
            json.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetString()!).ToArray()).ToList(),
            json.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList(),
            json.TryGetProperty("dropFirst", out var named) ? named.EnumerateArray().Select(c => c.GetString()!).ToList() : []);
    }

    /// <summary>The value whole, or cut in the middle: its start, "…", its end.</summary>
    private static bool IsShownAs(string value, string shown)
    {
        value = value.Trim(); // an object timeline indents nested requests
        if (value == shown) return true;
        var dots = shown.IndexOf('…');
        return dots >= 0 && !value.Contains('…') && value.StartsWith(shown[..dots], StringComparison.Ordinal) && value.EndsWith(shown[(dots + 1)..], StringComparison.Ordinal)
               && shown.Length < value.Length;
    }

    private static JsonElement Json(AnalysisTable table)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) AnalysisJson.Write(writer, table);
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement;
    }

    private static string[] Render(JsonElement table, int width, bool notes)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        AnalysisTablePrinter.Print(console, table, notes: notes);
        return output.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
    }

    /// <summary>Ten minutes of simulated cluster traffic with every problem planted, and every analysis's table on it.</summary>
    public sealed class SimulatedTables : IAsyncLifetime
    {
        private readonly TempStore _store = new();

        public List<(string Name, AnalysisTable Table)> All { get; } = [];

        public async Task InitializeAsync()
        {
            var simulator = new ClusterSimulator(new SimulationOptions
            {
                RequestsPerSecond = 5, Duration = TimeSpan.FromMinutes(10), Start = DateTimeOffset.UtcNow.AddMinutes(-20), Seed = 3,
                Scenarios = SimulationScenario.SlowWebhook | SimulationScenario.FailingWebhook | SimulationScenario.EtcdSlow
                            | SimulationScenario.ImagePullSlow | SimulationScenario.ApfThrottling,
            });
            foreach (var batch in simulator.Batches())
                await _store.Store.AppendAsync(TraceBatch.FromEncoded(batch.Request.ToByteArray(), batch.SpanCount), CancellationToken.None);
            var engine = new QueryEngine(_store.Store);
            var traces = await _store.Store.FetchAsync(new FetchRequest(TimeRange.All, [], AllConditions: true, 2), CancellationToken.None);
            var pods = await RunAsync(engine, "pods", []);
            var parameters = new Dictionary<string, Dictionary<string, string>>
            {
                ["object"] = new() { ["object"] = pods.Rows[0][0] },
                ["flow"] = new() { ["object"] = pods.Rows[0][0] },
                ["critical-path"] = new() { ["trace-id"] = traces[0].Summary.TraceId.ToString() },
                ["compare"] = new() { ["trace-a"] = traces[0].Summary.TraceId.ToString(), ["trace-b"] = traces[1].Summary.TraceId.ToString() },
            };
            foreach (var analysis in AnalysisCatalog.All)
                All.Add((analysis.Name, await RunAsync(engine, analysis.Name, parameters.GetValueOrDefault(analysis.Name) ?? [])));
            All.Add(("pods --by image", await RunAsync(engine, "pods", new() { ["by"] = "image" })));
            All.Add(("pods --by node", await RunAsync(engine, "pods", new() { ["by"] = "node" })));
        }

        private static async Task<AnalysisTable> RunAsync(QueryEngine engine, string name, Dictionary<string, string> parameters)
        {
            var result = await AnalysisCatalog.Find(name)!.RunAsync(new AnalysisRequest(engine, TimeRange.All, parameters), CancellationToken.None);
            Assert.True(result.Table.Rows.Count > 0, $"{name}: the simulated traffic gives it rows");
            return result.Table;
        }

        public Task DisposeAsync() => _store.DisposeAsync().AsTask();
    }
}
