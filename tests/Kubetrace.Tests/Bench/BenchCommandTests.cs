using Kubetrace.Cli;
using Kubetrace.Tests.Cli;

namespace Kubetrace.Tests.Bench;

public class BenchCommandTests
{
    [Theory]
    [InlineData("bench", "--duration", "3x")]
    [InlineData("bench", "--protocol", "udp")]
    [InlineData("bench", "--connections", "0")]
    [InlineData("bench", "--spans-per-request", "0")]
    [InlineData("bench", "--endpoint", "ftp://127.0.0.1:21")]
    [InlineData("bench", "sink", "--endpoint", "some-host:4327")]
    [InlineData("bench", "analyze", "--simulated", "0")]
    [InlineData("bench-store", "--spans", "1000")]
    [InlineData("bench-analyze", "--spans", "1000")]
    public async Task Wrong_usage_exits_with_the_usage_code_before_any_load_is_sent(params string[] args)
    {
        Assert.Equal(ExitCodes.Usage, await KubetraceCommand.RunAsync(args));
    }

    [Fact]
    public async Task Bench_store_and_bench_analyze_are_subcommands_of_bench_that_measure_a_store_in_the_given_folder()
    {
        var folder = Directory.CreateTempSubdirectory("kubetrace-bench-test-");
        try
        {
            var store = Path.Combine(folder.FullName, "store-run");
            var analyze = Path.Combine(folder.FullName, "analyze-run");

            var storeExit = await KubetraceCommand.RunAsync(
                ["bench", "store", "--spans", "2000", "--clients", "1", "--batch-spans", "500", "--queries", "5", "--skip-scan", "--dir", store]);
            var analyzeExit = await KubetraceCommand.RunAsync(
                ["bench", "analyze", "--spans", "2000", "--runs", "1", "--analysis", "red", "--dir", analyze]);

            Assert.Equal(ExitCodes.Ok, storeExit);
            Assert.Equal(ExitCodes.Ok, analyzeExit);
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(store, "store"), "*", SearchOption.AllDirectories));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(analyze, "store"), "*", SearchOption.AllDirectories));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Bench_store_and_analyze_into_a_pipe_print_progress_lines_on_standard_error_and_none_with_quiet()
    {
        using var folder = new TempDirectory();
        string[] Store(string run, params string[] extra) =>
            ["bench", "store", "--spans", "20000", "--clients", "1", "--batch-spans", "500", "--queries", "5", "--skip-scan", "--dir", Path.Combine(folder.Path, run), .. extra];

        var shown = await CliRun.RunAsync(Store("shown", "--progress-interval", "1ms"));
        var analyze = await CliRun.RunAsync("bench", "analyze", "--spans", "20000", "--runs", "1", "--analysis", "red", "--dir", Path.Combine(folder.Path, "analyze"),
            "--progress-interval", "1ms");
        var quiet = await CliRun.RunAsync(Store("quiet", "--progress-interval", "1ms", "--quiet"));

        Assert.True(shown.Code == 0, shown.Error);
        var lines = shown.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Generating and ingesting 20,000 spans takes longer than a millisecond: each phase shows itself at least once.
        Assert.Contains(lines, line => line.StartsWith("generate: ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("ingest: ", StringComparison.Ordinal));
        Assert.All(lines, line => Assert.Matches(@"^(generate|ingest): \d+% after \d+s, [\d,]+ of 20,000 spans\r?$", line));
        Assert.True(analyze.Code == 0, analyze.Error);
        Assert.Contains(analyze.Error.Split('\n'), line => line.StartsWith("load: ", StringComparison.Ordinal));
        // The report stays on standard output, the same with or without progress.
        Assert.Contains("spans acknowledged durable", shown.Output);
        Assert.True(quiet.Code == 0, quiet.Error);
        Assert.Equal("", quiet.Error);
        Assert.Contains("spans acknowledged durable", quiet.Output);
    }

    [Fact]
    public async Task A_run_in_which_no_request_got_through_exits_with_failure()
    {
        using var nothing = FreePorts.Closed();

        var exit = await KubetraceCommand.RunAsync(
            ["bench", "--endpoint", $"127.0.0.1:{nothing.Port}", "--duration", "300ms", "--warmup", "0s", "--connections", "1", "--concurrency", "1", "--json"]);

        Assert.Equal(ExitCodes.Failure, exit);
    }
}
