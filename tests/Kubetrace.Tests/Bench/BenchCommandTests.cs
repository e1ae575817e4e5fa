using Kubetrace.Cli;

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
    public async Task Wrong_usage_exits_with_the_usage_code_before_any_load_is_sent(params string[] args)
    {
        Assert.Equal(ExitCodes.Usage, await KubetraceCommand.RunAsync(args));
    }

    [Fact]
    public async Task A_run_in_which_no_request_got_through_exits_with_failure()
    {
        var unused = EndToEnd.Harness.FreePorts.Take(1)[0];

        var exit = await KubetraceCommand.RunAsync(
            ["bench", "--endpoint", $"127.0.0.1:{unused}", "--duration", "300ms", "--warmup", "0s", "--connections", "1", "--concurrency", "1", "--json"]);

        Assert.Equal(ExitCodes.Failure, exit);
    }
}
