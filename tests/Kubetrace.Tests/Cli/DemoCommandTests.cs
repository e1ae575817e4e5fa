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
