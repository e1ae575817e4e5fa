using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Query.Access;

namespace Kubetrace.Tests.Api.Authorization;

/// <summary>
/// Namespace scoping through every endpoint of every API (native, Jaeger, Tempo, the UI's routes, analyses): what
/// a reader limited to team-a finds, and what readers granted cluster-scoped data or everything find.
/// </summary>
public sealed class NamespaceScopingTests(ScopedQueryServer server) : IClassFixture<ScopedQueryServer>
{
    /// <summary>Answers over every namespace that a scoped reader is refused as a whole (403).</summary>
    private static readonly string[] RefusedToScopedReaders = ["/api/v1/stats", "/metrics/spans"];

    [Fact]
    public async Task A_team_a_reader_sweeping_every_route_finds_no_value_of_another_namespace()
    {
        var answers = await RouteSweep.RunAsync(server, "alice");

        var leaks = answers
            .SelectMany(a => ThreeNamespaces.ForeignToTeamA.Where(foreign => Shown(a).Contains(foreign, StringComparison.Ordinal))
                .Select(foreign => $"{foreign} in {(int)a.Status} {a.Url}: {Excerpt(a.Body, foreign)}"))
            .ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} leaks:\n" + string.Join("\n", leaks.Take(40)));

        // The sweep reached every route with an answer that had something to hide.
        var unanswered = answers.GroupBy(a => a.Route).Where(g => !RefusedToScopedReaders.Contains(g.Key) && g.All(a => a.Status != HttpStatusCode.OK))
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(a => (int)a.Status).Distinct())} e.g. {g.First().Body[..Math.Min(200, g.First().Body.Length)]}");
        Assert.Empty(unanswered);
        foreach (var route in RefusedToScopedReaders)
            Assert.All(answers.Where(a => a.Route == route), a => Assert.Equal(HttpStatusCode.Forbidden, a.Status));
        Assert.True(answers.Count > 200, $"only {answers.Count} requests swept");
        foreach (var own in ThreeNamespaces.TeamAValues)
            Assert.Contains(answers, a => a.Status == HttpStatusCode.OK && a.Body.Contains(own, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_scoped_search_fills_its_limit_with_visible_traces_although_newer_foreign_traces_match_first()
    {
        // Newest first, the store holds foreign traces (team-c's apply, the crossing trace's team-b part...) among
        // team-a's two: the limit counts what the reader sees.
        using var alice = ScopedQueryServer.As("alice");
        string[] own = [ThreeNamespaces.Hex(ThreeNamespaces.Crossing), ThreeNamespaces.Hex(ThreeNamespaces.TeamA)];
        foreach (var limit in new[] { 1, 2, 3 })
        {
            var expected = own.Take(limit).ToList();
            var native = JsonNode.Parse(await alice.GetStringAsync($"{server.QueryUrl}/api/v1/search?{Spans.WindowQuery}&limit={limit}"))!;
            Assert.Equal(expected, native["traces"]!.AsArray().Select(t => (string)t!["traceId"]!));
            var traceQl = JsonNode.Parse(await alice.GetStringAsync($"{server.QueryUrl}/api/v1/search?{Spans.WindowQuery}&limit={limit}&q={Uri.EscapeDataString("{ }")}"))!;
            Assert.Equal(expected, traceQl["traces"]!.AsArray().Select(t => (string)t!["traceId"]!));
            var tempo = JsonNode.Parse(await alice.GetStringAsync($"{server.TempoUrl}/api/search?q={Uri.EscapeDataString("{ }")}&limit={limit}"))!;
            Assert.Equal(expected.Count, tempo["traces"]!.AsArray().Count);
        }
    }

    [Fact]
    public async Task A_reader_granted_all_finds_every_namespace_through_the_same_sweep()
    {
        var answers = await RouteSweep.RunAsync(server, "root");

        foreach (var value in ThreeNamespaces.ForeignToTeamA.Concat(ThreeNamespaces.TeamAValues))
            Assert.Contains(answers, a => a.Status == HttpStatusCode.OK && a.Body.Contains(value, StringComparison.Ordinal));
        Assert.All(answers.Where(a => RefusedToScopedReaders.Contains(a.Route)), a => Assert.Equal(HttpStatusCode.OK, a.Status));
    }

    [Fact]
    public async Task A_trace_crossing_namespaces_shows_the_readers_spans_and_how_many_were_removed()
    {
        using var alice = ScopedQueryServer.As("alice");
        var trace = JsonNode.Parse(await alice.GetStringAsync($"{server.QueryUrl}/api/v1/traces/{ThreeNamespaces.Hex(ThreeNamespaces.Crossing)}"))!;

        var resources = trace["resourceSpans"]!.AsArray();
        var resource = Assert.Single(resources)!["resource"]!["attributes"]!.AsArray();
        Assert.Equal("frontend-a", resource.Single(a => (string)a!["key"]! == "service.name")!["value"]!["stringValue"]!.ToString());
        Assert.Equal("2", resource.Single(a => (string)a!["key"]! == ScopedTraceStore.HiddenSpansKey)!["value"]!["intValue"]!.ToString());
        Assert.Equal(["GET /checkout", "POST /charge"], resources[0]!["scopeSpans"]![0]!["spans"]!.AsArray().Select(s => (string)s!["name"]!).Order());

        // The Jaeger and Tempo APIs show the same marker (a process tag, a resource attribute).
        var jaeger = await alice.GetStringAsync($"{server.QueryUrl}/api/traces/{ThreeNamespaces.Hex(ThreeNamespaces.Crossing)}");
        Assert.Contains(ScopedTraceStore.HiddenSpansKey, jaeger, StringComparison.Ordinal);
        var tempo = await alice.GetStringAsync($"{server.TempoUrl}/api/v2/traces/{ThreeNamespaces.Hex(ThreeNamespaces.Crossing)}");
        Assert.Contains(ScopedTraceStore.HiddenSpansKey, tempo, StringComparison.Ordinal);

        // Granted all, the same trace is whole and unmarked.
        using var root = ScopedQueryServer.As("root");
        var whole = await root.GetStringAsync($"{server.QueryUrl}/api/v1/traces/{ThreeNamespaces.Hex(ThreeNamespaces.Crossing)}");
        Assert.Contains("payments-b", whole, StringComparison.Ordinal);
        Assert.DoesNotContain(ScopedTraceStore.HiddenSpansKey, whole, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_scoped_requests_are_visible_only_to_a_reader_granted_cluster()
    {
        var node = $"{server.QueryUrl}/api/v1/traces/{ThreeNamespaces.Hex(ThreeNamespaces.Node)}";
        using var carol = ScopedQueryServer.As("carol");
        using var alice = ScopedQueryServer.As("alice");

        var seen = await carol.GetStringAsync(node);
        Assert.Contains("worker-7", seen, StringComparison.Ordinal);
        Assert.Contains("/registry/minions/worker-7", seen, StringComparison.Ordinal); // etcd's span came with its request
        using var hidden = await alice.GetAsync(node);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);

        // carol's glob team-a* covers team-a, not team-b.
        var services = await carol.GetStringAsync($"{server.QueryUrl}/api/v1/services");
        Assert.Contains("frontend-a", services, StringComparison.Ordinal);
        Assert.DoesNotContain("payments-b", services, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_principal_no_rule_names_is_refused_on_every_api()
    {
        using var mallory = ScopedQueryServer.As("mallory");
        foreach (var url in new[] { $"{server.QueryUrl}/api/v1/services", $"{server.QueryUrl}/api/services", $"{server.TempoUrl}/api/search" })
        {
            using var response = await mallory.GetAsync(url);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("mallory", body, StringComparison.Ordinal);
            Assert.Contains("no reads", body, StringComparison.Ordinal);
        }
    }

    /// <summary>What an answer shows the reader, less what it repeats from the request (an error naming the asked service).</summary>
    private static string Shown(RouteSweep.Answer answer) =>
        answer.Status == HttpStatusCode.OK ? answer.Body : answer.Asked.Where(a => a.Length > 0).OrderByDescending(a => a.Length).Aggregate(answer.Body, (body, asked) => body.Replace(asked, ""));

    private static string Excerpt(string body, string value)
    {
        var at = body.IndexOf(value, StringComparison.Ordinal);
        return body[Math.Max(0, at - 120)..Math.Min(body.Length, at + 120)];
    }
}
