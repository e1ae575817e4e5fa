namespace Kubetrace.Tests.Cli;

/// <summary>
/// The tables of <c>search</c>, <c>services --operations</c> and <c>stats</c> read at 80, 100, 120 and 200 columns
/// (as the analyses' do, <see cref="Layout.AnalysisTableLayoutTests"/>): no line longer than the terminal, every row
/// one line with its key column whole (no cell wrapped onto a line of its own).
/// </summary>
public sealed class CommandTableWidthTests(CliServer server) : IClassFixture<CliServer>
{
    public static TheoryData<int> Widths => new(80, 100, 120, 200);

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Search_rows_fit_the_width_each_on_one_line_starting_with_its_trace_id(int width)
    {
        var result = await RunAsync(width, "search", "--start", $"{KnownTraces.Day}T00:00:00Z", "--end", $"{KnownTraces.Day}T23:59:59Z");

        Assert.StartsWith("TRACE ID", result.Lines[0].TrimStart(), StringComparison.Ordinal);
        foreach (var id in new[] { KnownTraces.PodsId, KnownTraces.SyncId })
            Assert.Single(result.Lines, l => l.StartsWith(id + "  ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Services_with_operations_fit_the_width_one_operation_a_line(int width)
    {
        var result = await RunAsync(width, "services", "--operations");

        foreach (var (service, operation) in new[] { ("etcd", "boltdb read"), ("containerd", "CreateContainer"), ("kubelet", "SyncPod") })
            Assert.Single(result.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $"^ *({service} +)?{operation} +[a-z]+ *$"));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Stats_fit_the_width_one_figure_a_line(int width)
    {
        var result = await RunAsync(width, "stats");

        Assert.Single(result.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, "^ *Spans +6 *$"));
        Assert.Single(result.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, "^ *Traces +2 *$"));
    }

    private async Task<CliResult> RunAsync(int width, params string[] command)
    {
        var result = await CliRun.RunAsync([.. command, "--server", server.Url, "--width", $"{width}"]);
        Assert.True(result.Code == 0, result.Error);
        Assert.All(result.Lines, l => Assert.True(l.Length <= width, $"{string.Join(' ', command)} at {width}: a line of {l.Length}: {l}"));
        return result;
    }
}
