using Kubetrace.Cli.Layout;
using Spectre.Console;

namespace Kubetrace.Tests.Cli.Layout;

/// <summary>
/// The CLI's table layout: cells never wrap; names are cut in the middle first, then the least important columns
/// are left out (and said so); numbers and IDs are never cut.
/// </summary>
public sealed class FittedTableTests
{
    private static FittedTable Pods() => new FittedTable([
            new FittedColumn("POD", FittedKind.Name), new FittedColumn("NODE", FittedKind.Name, DropRank: 1),
            new FittedColumn("TOTAL", RightAligned: true), new FittedColumn("IMAGES", FittedKind.Name, DropRank: 2),
        ])
        .AddRow("payments/worker-7f9c6d5b8-x2x9q", "node-a", "19.4s", "ghcr.io/example/worker:0.9.1, docker.io/library/busybox:1.36")
        .AddRow("default/web-0", "node-bbbbbbbbbbbb-2", "812ms", "nginx:1.27");

    [Fact]
    public void At_its_natural_width_every_cell_is_whole()
    {
        var lines = Render(Pods(), 200);

        Assert.Equal("POD                              NODE                 TOTAL  IMAGES", lines[0]);
        Assert.Equal("payments/worker-7f9c6d5b8-x2x9q  node-a               19.4s  ghcr.io/example/worker:0.9.1, docker.io/library/busybox:1.36", lines[1]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void Names_are_cut_in_the_middle_before_any_column_is_left_out()
    {
        var lines = Render(Pods(), 80);

        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length}: {l}"));
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("payments/worker-7f9c6d5b8-x2x9q  node-a               19.4s  ghcr.io/", lines[1]);
        Assert.Contains("…", lines[1]);
        Assert.EndsWith("19.4s  ghcr.io/e…ybox:1.36", lines[1]);
    }

    [Fact]
    public void When_cutting_is_not_enough_the_highest_ranked_columns_go_and_the_last_line_says_which()
    {
        var lines = Render(Pods(), 40);

        Assert.All(lines, l => Assert.True(l.Length <= 40, $"{l.Length}: {l}"));
        Assert.Matches("^POD +TOTAL$", lines[0]);
        Assert.Equal("payments/worker-7f9c6d5b8-x2x9q  19.4s", lines[1]);
        Assert.Matches("^default/web-0 +812ms$", lines[2]);
        Assert.Equal("(NODE, IMAGES not shown at 40 columns: --wide shows every column)", string.Join(" ", lines[3..].Select(l => l.Trim())));
    }

    [Fact]
    public void A_name_is_cut_no_shorter_than_its_minimum_before_a_column_goes()
    {
        var lines = Render(Pods(), 56);

        Assert.Matches("^POD +NODE +TOTAL$", lines[0]);
        Assert.Matches("^payments/worker-7f9c6d5b8-x2x9q  node-a +19.4s$", lines[1]);
        Assert.Equal("(IMAGES not shown at 56 columns: --wide shows every column)", string.Join(" ", lines[3..].Select(l => l.Trim())));
    }

    [Fact]
    public void An_indented_name_keeps_its_indent_and_cuts_the_name()
    {
        var table = new FittedTable([new FittedColumn("SPAN", FittedKind.Name), new FittedColumn("N")])
            .AddRow("      GuaranteedUpdate etcd3 with a long tail", "1");

        Assert.Equal("      Guaranteed…long tail  1", Render(table, 29)[1]);
    }

    [Fact]
    public void Indented_names_cut_to_fit_keep_every_depth_right_of_the_one_above()
    {
        // A span nested nine levels deep, two columns a level (as the object timeline, compare and critical-path
        // indent their operations), in a column cut to its 16-column minimum: half of it is too little for the indent
        // of the deepest levels, so the levels narrow to one column each instead of piling up at the same indent.
        var table = new FittedTable([new FittedColumn("OPERATION", FittedKind.Name), new FittedColumn("DURATION", RightAligned: true)]);
        for (var depth = 0; depth <= 8; depth++) table.AddRow(new string(' ', 2 * depth) + "priorityandfairness", "318ms");

        var lines = Render(table, 26);

        Assert.All(lines, l => Assert.True(l.Length <= 26, $"{l.Length}: {l}"));
        var indents = lines[1..].Select(l => l.Length - l.TrimStart(' ').Length).ToList();
        for (var depth = 1; depth <= 8; depth++)
            Assert.True(indents[depth] > indents[depth - 1], $"depth {depth} at {indents[depth]} columns, its parent at {indents[depth - 1]}:\n{string.Join("\n", lines)}");
        Assert.All(lines[1..], l => Assert.Matches(@"^ *pr\S*…\S*ss +318ms$", l));
    }

    [Fact]
    public void Numbers_are_never_cut_even_when_the_line_cannot_fit()
    {
        var table = new FittedTable([new FittedColumn("ID"), new FittedColumn("COUNT", RightAligned: true)])
            .AddRow("4bf92f3577b34da6a3ce929d0e0e4736", "1,234,567");

        var lines = Render(table, 40);

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736  1,234,567", lines[1]);
    }

    [Fact]
    public void Wide_characters_count_as_two_cells_and_pairs_are_never_split()
    {
        var table = new FittedTable([new FittedColumn("NAME", FittedKind.Name), new FittedColumn("N")])
            .AddRow("日本語のポッド名-abcdefghijklmnopqrstuvwxyz", "1").AddRow("emoji-😀😀😀😀😀😀😀😀😀😀😀😀😀😀-end", "2");

        var lines = Render(table, 24);

        Assert.All(lines, l => Assert.True(CellWidth.Of(l) <= 24, $"{CellWidth.Of(l)}: {l}"));
        Assert.All(lines, l => Assert.DoesNotContain('\uFFFD', l));
        Assert.DoesNotContain(lines, l => l.Any(char.IsSurrogate) && !System.Text.Unicode.Utf8.IsValid(System.Text.Encoding.UTF8.GetBytes(l)));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(4096)]
    public void A_row_ends_at_its_last_cell_with_text(int width)
    {
        // An etcd-timeline bucket without errors, a flow step without a note, a service's second operation.
        var table = new FittedTable([
                new FittedColumn("BUCKET"), new FittedColumn("CALLS", RightAligned: true), new FittedColumn("ERRORS", RightAligned: true),
                new FittedColumn("NOTE", FittedKind.Name, DropRank: 1),
            ])
            .AddRow("10:00", "564", "1", "slowest: /registry/pods")
            .AddRow("10:01", "1,124", "", "")
            .AddRow("10:02", "1,115", "2", "")
            .AddRow("10:03", "", "", "");

        var lines = Render(table, width);

        Assert.Equal(["BUCKET  CALLS  ERRORS  NOTE", "10:00     564       1  slowest: /registry/pods", "10:01   1,124", "10:02   1,115       2", "10:03"], lines);
    }

    internal static string[] Render(FittedTable table, int width) => RenderWith(console => table.Write(console), width);

    /// <summary>What <paramref name="write"/> draws on a plain console <paramref name="width"/> columns wide, line by line.</summary>
    internal static string[] RenderWith(Action<IAnsiConsole> write, int width)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        write(console);
        return output.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
    }
}
