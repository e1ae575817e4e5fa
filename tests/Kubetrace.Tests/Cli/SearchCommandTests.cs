using System.Text.Json.Nodes;

namespace Kubetrace.Tests.Cli;

/// <summary><c>kubetrace search</c> against a running server: flags become the native search, rows the summaries.</summary>
public sealed class SearchCommandTests(CliServer server) : IClassFixture<CliServer>
{
    private string[] Day => ["--start", $"{KnownTraces.Day}T00:00:00Z", "--end", $"{KnownTraces.Day}T23:59:59Z", "--server", server.Url];

    private string[] Range => [.. Day, "--width", "180"];

    [Fact]
    public async Task Every_trace_in_the_range_is_a_row_most_recent_first()
    {
        var result = await CliRun.RunAsync(["search", .. Range]);

        Assert.Equal(0, result.Code);
        Assert.Equal("", result.Error);
        Assert.Matches("TRACE ID +START \\(UTC\\) +ROOT SERVICE +ROOT NAME +DURATION +SPANS +ERRORS +SERVICES", result.Output);
        var rows = result.Lines.Where(l => l.Contains(KnownTraces.PodsId) || l.Contains(KnownTraces.SyncId)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Matches($"{KnownTraces.SyncId} +2026-01-02 11:00:00 +kubelet +SyncPod +1s +2 +0 +containerd, kubelet", rows[0]);
        Assert.Matches($"{KnownTraces.PodsId} +2026-01-02 10:00:00 +apiserver +GET /api/v1/namespaces/default/pods +100ms +4 +1 +apiserver, etcd", rows[1]);
    }

    [Fact]
    public async Task At_80_columns_ids_and_durations_stay_whole_names_are_cut_and_the_least_needed_columns_go()
    {
        var narrow = await CliRun.RunAsync(["search", .. Day, "--width", "80"]);
        var wide = await CliRun.RunAsync(["search", .. Day, "--wide"]);

        Assert.Equal(0, narrow.Code);
        Assert.All(narrow.Lines, l => Assert.True(l.Length <= 80, $"{l.Length}: {l}"));
        Assert.Contains(narrow.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $"^{KnownTraces.PodsId}  apiserver +GET /api/v1…fault/pods +100ms$"));
        Assert.Contains(narrow.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $"^{KnownTraces.SyncId}  kubelet +SyncPod +1s$"));
        Assert.Equal("(START (UTC), SPANS, ERRORS, SERVICES not shown at 80 columns: --wide shows every column)",
            string.Join(" ", narrow.Lines[^2..].Select(l => l.Trim())));
        Assert.Contains(wide.Lines, l => l.Contains("2026-01-02 10:00:00") && l.Contains("GET /api/v1/namespaces/default/pods") && l.EndsWith("apiserver, etcd"));
    }

    [Fact]
    public async Task Since_takes_days_as_every_duration_flag_does()
    {
        var twoDays = await CliRun.RunAsync(["search", "--since", "2d", "--server", server.Url]);
        var bad = await CliRun.RunAsync(["search", "--since", "2 days", "--server", server.Url]);

        Assert.True(twoDays.Code == 0, twoDays.Error);
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("--since: \"2 days\" is not a duration (use e.g. 200ms, 5m, 1h, 7d, 2w)", bad.Error + bad.Output);
    }

    [Fact]
    public async Task Filters_on_one_span_narrow_the_rows()
    {
        var errors = await CliRun.RunAsync(["search", "--status", "error", "--service", "etcd", .. Range]);
        var slow = await CliRun.RunAsync(["search", "--min-duration", "500ms", "--kind", "client", .. Range]);
        var byName = await CliRun.RunAsync(["search", "--name", "authorize", "--max-duration", "20ms", .. Range]);

        Assert.Contains(KnownTraces.PodsId, errors.Output);
        Assert.DoesNotContain(KnownTraces.SyncId, errors.Output);
        Assert.Contains(KnownTraces.SyncId, slow.Output); // CreateContainer: a 500 ms client span
        Assert.DoesNotContain(KnownTraces.PodsId, slow.Output);
        Assert.Contains(KnownTraces.PodsId, byName.Output);
        Assert.DoesNotContain(KnownTraces.SyncId, byName.Output);
    }

    [Fact]
    public async Task No_match_says_so_and_json_prints_the_apis_summaries()
    {
        var none = await CliRun.RunAsync(["search", "--service", "scheduler", .. Range]);
        var json = await CliRun.RunAsync(["search", "--limit", "1", "--json", .. Range]);

        Assert.Equal(0, none.Code);
        Assert.Equal("no traces found\n", none.Output.ReplaceLineEndings("\n"));
        var traces = JsonNode.Parse(json.Output)!["traces"]!.AsArray();
        Assert.Equal(KnownTraces.SyncId, Assert.Single(traces)!["traceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task TraceQL_finds_traces_by_structure_and_prints_the_same_table_and_json()
    {
        // etcd spans under an apiserver span: only the pods trace has them.
        var structural = await CliRun.RunAsync(["search", "--traceql", "{ resource.service.name = \"apiserver\" } >> { resource.service.name = \"etcd\" }", .. Range]);
        var slowClient = await CliRun.RunAsync(["search", "-q", "{ kind = client && duration >= 500ms }", .. Range]);
        var json = await CliRun.RunAsync(["search", "--traceql", "{ status = error }", "--json", .. Range]);

        Assert.True(structural.Code == 0, structural.Error);
        Assert.Matches($"{KnownTraces.PodsId} +2026-01-02 10:00:00 +apiserver +GET /api/v1/namespaces/default/pods +100ms +4 +1 +apiserver, etcd", structural.Output);
        Assert.DoesNotContain(KnownTraces.SyncId, structural.Output);
        Assert.Contains(KnownTraces.SyncId, slowClient.Output);
        Assert.DoesNotContain(KnownTraces.PodsId, slowClient.Output);
        var found = Assert.Single(JsonNode.Parse(json.Output)!["traces"]!.AsArray())!;
        Assert.Equal(KnownTraces.PodsId, found["traceId"]!.GetValue<string>());
        Assert.Equal(1, found["matchedSpans"]!.GetValue<int>());
    }

    [Fact]
    public async Task TraceQL_mistakes_are_the_servers_message_and_filters_beside_it_a_usage_error()
    {
        var syntax = await CliRun.RunAsync(["search", "--traceql", "{ duration > }", .. Range]);
        var mixed = await CliRun.RunAsync(["search", "--traceql", "{ }", "--service", "etcd", .. Range]);

        Assert.Equal(1, syntax.Code);
        Assert.Contains("line 1", syntax.Error);
        Assert.Equal(2, mixed.Code);
        Assert.Contains("--traceql replaces --service", mixed.Error + mixed.Output);
    }
}
