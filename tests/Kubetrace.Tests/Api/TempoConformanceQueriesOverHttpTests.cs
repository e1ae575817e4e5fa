using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Tests.EndToEnd.Harness;
using Xunit.Abstractions;

namespace Kubetrace.Tests.Api;

/// <summary>
/// Every query of the shared TraceQL cases (traceql_cases.json and the engine cases: valid, invalid, unsupported,
/// metrics) sent as Grafana sends it to every Tempo endpoint that takes TraceQL — search, metrics range and
/// instant, tag values filtered by <c>q</c> — over data: none may answer 5xx (a mistake in a query is the
/// client's, 400; a crash is a bug), and what Tempo refuses to parse or validate is refused by each of them.
/// </summary>
public sealed class TempoConformanceQueriesOverHttpTests(JaegerFixtures fixtures, ITestOutputHelper output) : IClassFixture<JaegerFixtures>
{
    // An empty q is no TraceQL at all (a tag search, all values), not Tempo's empty-query parse error.
    private static readonly string[] Refused = ["parse_error", "validate_error", "unsupported"];

    private static IEnumerable<(string Query, string Expect)> AllQueries() =>
        ConformanceCases.Load("traceql_cases.json")["cases"]!.AsArray()
            .Concat(ConformanceCases.Load("traceql_engine/cases.json")["cases"]!.AsArray())
            .Select(c => (c!["query"]!.GetValue<string>(), c["expect"]!.GetValue<string>()))
            .DistinctBy(c => c.Item1);

    [RequiresSharedFolderFact]
    public async Task No_conformance_query_answers_5xx_on_any_TraceQL_endpoint()
    {
        var problems = new List<string>();
        var count = 0;
        foreach (var (query, expect) in AllQueries())
        {
            var q = Uri.EscapeDataString(query);
            foreach (var path in new[]
            {
                $"/api/search?q={q}&limit=20&spss=3",
                $"/api/metrics/query_range?q={q}&step=60s&exemplars=100",
                $"/api/metrics/query?q={q}",
                $"/api/v2/search/tag/name/values?q={q}&limit=5000",
            })
            {
                count++;
                using var response = await fixtures.Server.Tempo.GetAsync(path);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync();
                if (status >= 500)
                    problems.Add($"{status} {path.Split('?')[0]} {query} => {body}");
                else if (Refused.Contains(expect) && query.Trim().Length > 0 && response.StatusCode != HttpStatusCode.BadRequest)
                    problems.Add($"{status} (expected 400: {expect}) {path.Split('?')[0]} {query}");
            }
        }
        output.WriteLine($"{count} requests, {problems.Count} problems");
        foreach (var p in problems) output.WriteLine(p);
        Assert.True(problems.Count == 0, $"{problems.Count} of {count} requests:\n" + string.Join("\n", problems.Take(50)));
    }
}
