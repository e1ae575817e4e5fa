namespace Kubetrace.Tests.Cli;

/// <summary>
/// The tables of <c>search</c>, <c>services --operations</c>, <c>stats</c>, <c>trace</c> and <c>k8s estimate</c>
/// read at 80, 100, 120 and 200 columns (as the analyses' do, <see cref="Layout.AnalysisTableLayoutTests"/>): no line
/// longer than the terminal, every row one line with its key column whole (no cell wrapped onto a line of its own),
/// and no line ending in spaces (a cell left empty at the end of a row pads nothing).
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

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task A_trace_fits_the_width_one_span_a_line(int width)
    {
        var result = await RunAsync(width, "trace", KnownTraces.PodsId);

        Assert.Equal(4, result.Lines.Count(l => l.Contains(Kubetrace.Cli.Query.TraceView.Bar)));
    }

    /// <summary>Figures as large as a big cluster traced whole gives: the note under etcd spans was wrapped onto a line of its own at 80.</summary>
    [Theory]
    [MemberData(nameof(Widths))]
    [InlineData(60)]
    public async Task The_estimate_fits_the_width_one_figure_a_line(int width)
    {
        var result = await CheckAsync(width, ["k8s", "estimate", "--requests-per-second", "12345678", "--sampling-rate-per-million", "1000000",
            "--etcd-spans-per-request", "1.25", "--spans-per-request", "12.5", "--bytes-per-span", "44.25", "--width", $"{width}"]);

        string[] measures = ["Sampled apiserver requests", "apiserver spans", "etcd spans", "Spans", "Stored per day", "Stored for 7d"];
        foreach (var (measure, figure) in measures.Zip(["12,345,678/s", "154,320,975/s", "15,432,098/s", "169,753,072/s", "590 TiB", "4132 TiB"]))
            Assert.Single(result.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $"^{measure} +{System.Text.RegularExpressions.Regex.Escape(figure)}( |$)"));
        Assert.Equal(measures.Length, result.Lines.Count(l => !l.StartsWith(' ') && !l.StartsWith('(')));
    }

    private Task<CliResult> RunAsync(int width, params string[] command) =>
        CheckAsync(width, [.. command, "--server", server.Url, "--width", $"{width}"]);

    private static async Task<CliResult> CheckAsync(int width, string[] commandLine)
    {
        var result = await CliRun.RunAsync(commandLine);
        var command = string.Join(' ', commandLine.TakeWhile(a => !a.StartsWith('-')));
        Assert.True(result.Code == 0, result.Error);
        Assert.All(result.Lines, l => Assert.True(l.Length <= width, $"{command} at {width}: a line of {l.Length}: {l}"));
        Assert.All(result.Lines, l => Assert.False(l.EndsWith(' '), $"{command} at {width}: a line ends in spaces: \"{l}\""));
        return result;
    }
}
