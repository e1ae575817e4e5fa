using System.Text.Json.Nodes;
using Kubetrace.Cli.Query;

namespace Kubetrace.Tests.Cli;

/// <summary><c>kubetrace trace ID</c> against a running server: the span tree, its timeline bars, and <c>--json</c>.</summary>
public sealed class TraceCommandTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task The_tree_lists_spans_depth_first_with_guides_services_and_durations()
    {
        var result = await CliRun.RunAsync("trace", KnownTraces.PodsId, "--server", server.Url, "--width", "100");

        Assert.Equal(0, result.Code);
        Assert.Equal("", result.Error);
        Assert.Equal($"trace {KnownTraces.PodsId}", result.Lines[0]);
        Assert.Equal("2026-01-02 10:00:00.000 UTC  100ms  4 spans  2 services  1 error", result.Lines[1]);
        Assert.Matches("^SPAN +SERVICE +DURATION TIMELINE", result.Lines[2]);
        var rows = result.Lines.Where(l => l.Contains(TraceView.Bar)).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Matches(@"^GET /api/v1/namespaces/default/pods +apiserver +100ms ", rows[0]);
        Assert.Matches(@"^├─ authorize +apiserver +10ms ", rows[1]);
        Assert.Matches(@"^└─ etcd range /registry/pods ! +etcd +60ms ", rows[2]);
        Assert.Matches(@"^   └─ boltdb read +etcd +40ms ", rows[3]);
        Assert.All(result.Lines, line => Assert.True(line.Length <= 100, $"wider than --width: \"{line}\""));
    }

    [Fact]
    public async Task On_a_narrow_terminal_span_names_are_cut_in_the_middle_and_the_guides_kept()
    {
        var result = await CliRun.RunAsync("trace", KnownTraces.PodsId, "--server", server.Url, "--width", "60");

        var rows = result.Lines.Where(l => l.Contains(TraceView.Bar)).ToList();
        Assert.True(rows.Count == 4, string.Join("\n", result.Lines));
        // The span column is 21 wide at 60: the name's start and end both stay, the guides stay whole.
        Assert.StartsWith("GET /api/v…fault/pods ", rows[0]);
        Assert.StartsWith("├─ authorize ", rows[1]);
        Assert.StartsWith("└─ etcd rang…y/pods ! ", rows[2]);
        Assert.StartsWith("   └─ boltdb read ", rows[3]);
        Assert.All(result.Lines, line => Assert.True(line.Length <= 60, $"wider than --width: \"{line}\""));
    }

    [Fact]
    public async Task Each_bar_starts_and_ends_where_its_span_does_on_the_trace_timeline()
    {
        var result = await CliRun.RunAsync("trace", KnownTraces.PodsId, "--server", server.Url, "--width", "120");

        var rows = result.Lines.Where(l => l.Contains(TraceView.Bar)).ToList();
        // The root covers the whole trace, so its bar is the timeline: every other bar is measured against it.
        var origin = rows[0].IndexOf(TraceView.Bar);
        var timeline = Bars(rows[0]);
        Assert.True(timeline >= 40, $"timeline of {timeline} columns in \"{rows[0]}\"");
        AssertBar(rows[1], origin, timeline, fromMs: 0, toMs: 10);
        AssertBar(rows[2], origin, timeline, fromMs: 20, toMs: 80);
        AssertBar(rows[3], origin, timeline, fromMs: 30, toMs: 70);
    }

    [Fact]
    public async Task A_short_id_is_padded_and_json_prints_the_trace_as_otlp_json()
    {
        var result = await CliRun.RunAsync("trace", KnownTraces.SyncId.ToUpperInvariant(), "--server", server.Url, "--json");

        Assert.Equal(0, result.Code);
        var trace = JsonNode.Parse(result.Output)!;
        var names = trace["resourceSpans"]!.AsArray()
            .SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray())
            .Select(s => s!["name"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["CreateContainer", "SyncPod"], names);
    }

    [Fact]
    public async Task An_unknown_trace_is_the_servers_message_and_exit_code_1()
    {
        var result = await CliRun.RunAsync("trace", "abc", "--server", server.Url);

        Assert.Equal(1, result.Code);
        Assert.Equal("", result.Output);
        Assert.Equal("trace 00000000000000000000000000000abc not found\n", result.Error.ReplaceLineEndings("\n"));
    }

    private static int Bars(string line) => line.Count(c => c == TraceView.Bar);

    private static void AssertBar(string row, int origin, int timeline, int fromMs, int toMs)
    {
        var offset = row.IndexOf(TraceView.Bar) - origin;
        Assert.InRange(offset, fromMs * timeline / 100 - 1, fromMs * timeline / 100 + 1);
        Assert.InRange(Bars(row), (toMs - fromMs) * timeline / 100 - 1, (toMs - fromMs) * timeline / 100 + 1);
        Assert.Equal(Bars(row), row.LastIndexOf(TraceView.Bar) - row.IndexOf(TraceView.Bar) + 1); // one solid bar
    }
}
