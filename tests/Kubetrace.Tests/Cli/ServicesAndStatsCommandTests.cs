using System.Text.Json.Nodes;

namespace Kubetrace.Tests.Cli;

/// <summary><c>kubetrace services</c> and <c>kubetrace stats</c> against a running server.</summary>
public sealed class ServicesAndStatsCommandTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task Services_are_listed_one_a_line()
    {
        var result = await CliRun.RunAsync("services", "--server", server.Url);

        Assert.Equal(0, result.Code);
        Assert.Equal(["apiserver", "containerd", "etcd", "kubelet"], result.Lines);
    }

    [Fact]
    public async Task With_operations_each_service_lists_its_span_names_and_kinds()
    {
        var table = await CliRun.RunAsync("services", "--operations", "--server", server.Url, "--width", "100");
        var json = await CliRun.RunAsync("services", "--operations", "--json", "--server", server.Url);

        Assert.Equal(0, table.Code);
        Assert.Contains(table.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, "^ *etcd +boltdb read +internal *$"));
        Assert.Contains(table.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, "^ * +etcd range /registry/pods +server *$"));
        Assert.Contains(table.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, "^ *containerd +CreateContainer +client *$"));
        var kubelet = JsonNode.Parse(json.Output)!["services"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "kubelet")!;
        Assert.Equal("SyncPod", Assert.Single(kubelet["operations"]!.AsArray())!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stats_count_the_stored_spans_and_traces_and_their_bytes()
    {
        var table = await CliRun.RunAsync("stats", "--server", server.Url);
        var json = await CliRun.RunAsync("stats", "--json", "--server", server.Url);

        Assert.Equal(0, table.Code);
        Assert.Matches("(?m)^ *Spans +6 *$", table.Output);
        Assert.Matches("(?m)^ *Traces +2 *$", table.Output);
        Assert.Matches(@"(?m)^ *Bytes per span +\d+\.\d *$", table.Output);
        Assert.Equal(6, JsonNode.Parse(json.Output)!["spans"]!.GetValue<long>());
    }
}
