using Kubetrace.Tests.Api;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Cli;

/// <summary>How the query commands fail: one clear line and exit code 1 at run time, exit code 2 for bad flags.</summary>
public sealed class QueryErrorTests(EmptyServer empty) : IClassFixture<EmptyServer>
{
    [Theory]
    [InlineData("trace", "abc")]
    [InlineData("search")]
    [InlineData("services")]
    [InlineData("stats")]
    public async Task A_server_that_is_not_there_is_one_line_and_exit_code_1(params string[] command)
    {
        using var nothing = FreePorts.Closed();
        var url = $"http://127.0.0.1:{nothing.Port}";

        var result = await CliRun.RunAsync([.. command, "--server", url]);

        Assert.Equal(1, result.Code);
        Assert.Equal("", result.Output);
        Assert.Equal($"cannot reach kubetrace at {url}: connection refused\n", result.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task An_api_error_is_its_message_and_exit_code_1()
    {
        // A range the server rejects but the flags cannot: start after end.
        var result = await CliRun.RunAsync("search", "--start", "2026-01-02T00:00:00Z", "--end", "2026-01-01T00:00:00Z",
            "--server", empty.Server.Query.BaseAddress!.OriginalString);

        Assert.Equal(1, result.Code);
        Assert.Matches(@"^end \(\d+\) must be after start \(\d+\)\n$", result.Error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("trace", "not-hex")]
    [InlineData("trace")]
    [InlineData("search", "--status", "broken")]
    [InlineData("search", "--kind", "sideways")]
    [InlineData("search", "--min-duration", "10 parsecs")]
    [InlineData("search", "--attr", "novalue")]
    [InlineData("search", "--since", "1h", "--start", "2026-01-02T00:00:00Z")]
    [InlineData("search", "--limit", "0")]
    [InlineData("services", "--server", "localhost:16686")]
    [InlineData("stats", "--width", "5")]
    public async Task Bad_flags_exit_with_2_before_asking_any_server(params string[] args)
    {
        var result = await CliRun.RunAsync(args);

        Assert.Equal(2, result.Code);
        Assert.DoesNotContain("cannot reach", result.Error);
    }

    [Theory]
    [InlineData(null, "http://localhost:16686")]
    [InlineData("", "http://localhost:16686")]
    [InlineData(" http://tracing:16686 ", "http://tracing:16686")]
    public void The_server_defaults_to_KUBETRACE_SERVER_then_the_local_query_port(string? variable, string expected) =>
        Assert.Equal(expected, Kubetrace.Cli.Query.QueryOptions.ResolveServer(variable));
}
