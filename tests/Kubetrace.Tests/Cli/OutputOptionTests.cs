using System.Text.Json.Nodes;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Cli;

/// <summary>
/// <c>-o table|wide|json|yaml</c> on the commands that print a table, as <c>kubectl -o</c>: <c>-o json</c> is
/// <c>--json</c>'s output, <c>-o yaml</c> the same document in YAML, <c>-o wide</c> is <c>--wide</c>'s table and
/// <c>-o table</c> the default; anything else is a usage error naming the formats.
/// </summary>
public sealed class OutputOptionTests(CliServer server) : IClassFixture<CliServer>
{
    /// <summary>One command of each kind: a search, a list built from several answers, a trace (OTLP JSON), an analysis.</summary>
    public static TheoryData<string[]> Commands => new(
        ["search", "--start", $"{KnownTraces.Day}T00:00:00Z", "--end", $"{KnownTraces.Day}T23:59:59Z"],
        ["services", "--operations"],
        ["trace", KnownTraces.PodsId],
        ["analyze", "critical-path", KnownTraces.PodsId]);

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Output_json_prints_what_json_prints(string[] command)
    {
        var json = await RunAsync([.. command, "--json"]);
        var output = await RunAsync([.. command, "-o", "json"]);
        var joined = await RunAsync([.. command, "--output=json"]);

        Assert.NotNull(JsonNode.Parse(json.Output));
        Assert.Equal(json.Output, output.Output);
        Assert.Equal(json.Output, joined.Output);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Output_yaml_reads_back_as_the_json(string[] command)
    {
        var json = await RunAsync([.. command, "--json"]);
        var yaml = await RunAsync([.. command, "-o", "yaml"]);

        Assert.False(yaml.Output.TrimStart().StartsWith('{'), $"not YAML:\n{yaml.Output}");
        var read = YamlReadBack.AsJson(yaml.Output);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json.Output), read), $"YAML:\n{yaml.Output}\nreads back as {read?.ToJsonString()}\nnot {json.Output}");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Output_wide_is_the_wide_table_and_output_table_the_default(string[] command)
    {
        var wide = await RunAsync([.. command, "--wide"]);
        var outputWide = await RunAsync([.. command, "-o", "wide"]);
        var table = await RunAsync([.. command, "--width", "80"]);
        var outputTable = await RunAsync([.. command, "-o", "table", "--width", "80"]);

        Assert.Equal(wide.Output, outputWide.Output);
        Assert.Equal(table.Output, outputTable.Output);
    }

    [Fact]
    public async Task An_unknown_format_is_a_usage_error_naming_the_formats()
    {
        var result = await CliRun.RunAsync("search", "--server", server.Url, "-o", "xml");

        Assert.Equal(2, result.Code);
        Assert.Contains("--output: \"xml\" is not an output format: use table, wide, json, yaml", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--json", "-o", "yaml")]
    [InlineData("--wide", "-o", "json")]
    [InlineData("--json", "--wide")]
    public async Task Two_different_formats_are_a_usage_error(params string[] flags)
    {
        var result = await CliRun.RunAsync(["stats", "--server", server.Url, .. flags]);

        Assert.Equal(2, result.Code);
        Assert.Contains("ask for different outputs: give one", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_estimate_takes_output_too_without_a_server()
    {
        string[] estimate = ["k8s", "estimate", "--requests-per-second", "1000", "--sampling-rate-per-million", "100"];
        var json = await CliRun.RunAsync([.. estimate, "--json"]);
        var output = await CliRun.RunAsync([.. estimate, "-o", "json"]);
        var yaml = await CliRun.RunAsync([.. estimate, "-o", "yaml"]);

        Assert.Equal(json.Output, output.Output);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json.Output), YamlReadBack.AsJson(yaml.Output)), yaml.Output);
    }

    private async Task<CliResult> RunAsync(string[] command)
    {
        var result = await CliRun.RunAsync([.. command, "--server", server.Url]);
        Assert.True(result.Code == 0, $"{string.Join(' ', command)}: exit {result.Code}: {result.Error}");
        return result;
    }
}
