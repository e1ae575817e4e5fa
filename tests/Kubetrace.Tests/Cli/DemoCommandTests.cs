using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Cli;

/// <summary>
/// <c>kubetrace demo</c>, as a newcomer runs it: the server starts, simulated traffic with planted problems goes in
/// over OTLP, and the summary names what was planted as the worst finding of each analysis.
/// </summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task The_demo_shows_the_planted_webhook_etcd_resource_and_image_as_the_worst_findings()
    {
        using var data = new TempDirectory();

        int[] ports = [];
        var result = await FreePorts.StartOnFreshAsync(4, async chosen =>
        {
            ports = chosen;
            var run = await CliRun.RunAsync("demo", "--exit", "--backfill", "2m", "--rate", "20", "--width", "400",
                "--otlp-port", $"{ports[0]}", "--otlp-http-port", $"{ports[1]}", "--query-port", $"{ports[2]}", "--tempo-port", $"{ports[3]}",
                "--data", data.Path);
            return FreePorts.IsBindRace(run.Error) ? throw new IOException(run.Error) : run;
        });

        Assert.True(result.Code == 0, result.Output + result.Error);
        var lines = result.Lines;
        Assert.Contains(lines, l => l.StartsWith("Kubetrace is running", StringComparison.Ordinal));
        var planted = lines.Single(l => l.StartsWith("Planted slow-webhook:", StringComparison.Ordinal));
        Assert.Contains("policy-controller/validate.policy.example.com", planted, StringComparison.Ordinal);
        // Each analysis's first row (worst first) names what was planted.
        Assert.Contains("policy-controller", FirstRowAfter(lines, "Which admission webhook adds latency?"), StringComparison.Ordinal);
        Assert.Contains("deployments.apps", FirstRowAfter(lines, "Is etcd slow, and for what?"), StringComparison.Ordinal);
        Assert.Contains("ghcr.io/example/worker:0.9.1", FirstRowAfter(lines, "Why are pods slow to start?"), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains($"http://localhost:{ports[2]}/api/v1/analyze", StringComparison.Ordinal));
        // The web UI is the first place to look.
        var whereToLook = Array.FindIndex(lines, l => l.StartsWith("Where to look", StringComparison.Ordinal));
        Assert.Equal($"  Web UI       http://localhost:{ports[2]}/", lines[whereToLook + 1]);
    }

    [Fact]
    public async Task The_demos_backfill_prints_progress_lines_that_fit_80_columns_on_standard_error_and_none_with_quiet()
    {
        var shown = await DemoAsync("--progress-interval", "1ms");
        var quiet = await DemoAsync("--progress-interval", "1ms", "--quiet");

        Assert.True(shown.Code == 0, shown.Output + shown.Error);
        var lines = ProgressLines(shown);
        // Sending a minute of simulated traffic takes longer than a millisecond: the backfill shows itself.
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Matches(@"^backfill: \d+% after \d+s, [\d,]+ spans sent, simulated up to \d\d:\d\d:\d\dZ$", line));
        Assert.All(lines, line => Assert.True(line.Length <= 80, $"{line.Length} columns: {line}"));
        // The summary stays on standard output, the same with or without progress, and reads at 80 columns.
        Assert.Contains(shown.Lines, l => l.StartsWith("Where to look", StringComparison.Ordinal));
        Assert.All(shown.Lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.True(quiet.Code == 0, quiet.Output + quiet.Error);
        Assert.Empty(ProgressLines(quiet));
        Assert.Contains(quiet.Lines, l => l.StartsWith("Where to look", StringComparison.Ordinal));
    }

    private static List<string> ProgressLines(CliResult result) =>
        result.Error.ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith("backfill", StringComparison.Ordinal)).ToList();

    /// <summary>A short demo that exits after its summary, on fresh ports and in its own data folder.</summary>
    private static async Task<CliResult> DemoAsync(params string[] extra)
    {
        using var data = new TempDirectory();
        return await FreePorts.StartOnFreshAsync(4, async ports =>
        {
            var run = await CliRun.RunAsync(["demo", "--exit", "--backfill", "1m", "--rate", "10", "--width", "80",
                "--otlp-port", $"{ports[0]}", "--otlp-http-port", $"{ports[1]}", "--query-port", $"{ports[2]}", "--tempo-port", $"{ports[3]}",
                "--data", data.Path, .. extra]);
            return FreePorts.IsBindRace(run.Error) ? throw new IOException(run.Error) : run;
        });
    }

    /// <summary>The first data row of the table printed under a question: the line after the header rule.</summary>
    private static string FirstRowAfter(string[] lines, string question)
    {
        var start = Array.FindIndex(lines, l => l.StartsWith(question, StringComparison.Ordinal));
        Assert.True(start >= 0, $"no \"{question}\" in the demo's output");
        var rule = Array.FindIndex(lines, start, l => l.TrimStart().StartsWith('─'));
        Assert.True(rule > start, $"no table under \"{question}\"");
        return lines[rule + 1];
    }
}
