using System.Net;
using Kubetrace.Analysis;
using Microsoft.AspNetCore.Routing;

namespace Kubetrace.Tests.Api.Authorization;

/// <summary>
/// Every route of the query ports, from their routing tables (so a route added later is swept without anyone
/// remembering it), each asked with plausible parameters about every trace, service, object and key of
/// <see cref="ThreeNamespaces"/>, foreign ones included.
/// </summary>
internal static class RouteSweep
{
    public sealed record Answer(string Route, string Url, HttpStatusCode Status, string Body, IReadOnlyList<string> Asked);

    private static readonly string[] AttributeKeys = ["namespace", "name", "url", "http.target", "key", "job.name", "billing.account", "k8s.namespace.name", "service.name"];

    private static readonly string[] TempoTags =
        ["resource.service.name", "span.namespace", "span.name", "span.billing.account", "resource.k8s.namespace.name", ".job.name", "name", "service.name"];

    public static async Task<List<Answer>> RunAsync(ScopedQueryServer server, string user)
    {
        using var http = ScopedQueryServer.As(user);
        return await RunAsync(server.Extension.Routes, http);
    }

    /// <summary>Every route of <paramref name="routes"/> asked through <paramref name="http"/> (which carries the caller's credentials or tenant).</summary>
    public static async Task<List<Answer>> RunAsync(IEnumerable<(string Url, RouteEndpoint Route)> routes, HttpClient http)
    {
        var answers = new List<Answer>();
        foreach (var (baseUrl, route) in routes)
        foreach (var (path, query, asked) in RequestsFor(route))
        {
            var url = baseUrl.TrimEnd('/') + path + (query.Length > 0 ? "?" + query : "");
            using var response = await http.GetAsync(url);
            answers.Add(new Answer(route.RoutePattern.RawText!, url, response.StatusCode, await response.Content.ReadAsStringAsync(), asked));
        }
        return answers;
    }

    private static IEnumerable<(string Path, string Query, string[] Asked)> RequestsFor(RouteEndpoint route)
    {
        var pattern = route.RoutePattern.RawText!;
        foreach (var (path, asked) in Paths(pattern))
        foreach (var query in Queries(pattern, path))
            yield return (path, query, [.. asked, .. query.Split('&').Select(p => Uri.UnescapeDataString(p[(p.IndexOf('=') + 1)..]))]);
    }

    /// <summary>The pattern with its parameters filled in every plausible way.</summary>
    private static IEnumerable<(string Path, string[] Asked)> Paths(string pattern)
    {
        var parameter = System.Text.RegularExpressions.Regex.Match(pattern, @"\{\**(\w+)\}");
        if (!parameter.Success)
        {
            yield return (pattern, []);
            yield break;
        }
        var values = parameter.Groups[1].Value switch
        {
            "traceId" or "trace_id" => ThreeNamespaces.Traces.Select(ThreeNamespaces.Hex),
            "service" => ThreeNamespaces.Services,
            "key" => AttributeKeys,
            "tag" => TempoTags,
            "name" => AnalysisCatalog.All.Select(a => a.Name),
            "page" => ThreeNamespaces.Traces.Select(t => "trace/" + ThreeNamespaces.Hex(t)),
            "file" => ["app.js"],
            var other => throw new InvalidOperationException($"the sweep does not know how to fill route parameter {other} of {pattern}: teach it"),
        };
        foreach (var value in values)
            yield return (pattern[..parameter.Index] + Uri.EscapeDataString(value) + pattern[(parameter.Index + parameter.Length)..], [value]);
    }

    /// <summary>
    /// Every query's range: the two hours before <see cref="ThreeNamespaces"/>' spans were made (<see cref="Spans.Made"/>,
    /// dated once for the test process) and a minute after, not the last two hours, which a long suite run outlives.
    /// </summary>
    private static (DateTimeOffset Start, DateTimeOffset End) Range => (Spans.Made.AddHours(-2), Spans.Made.AddMinutes(1));

    /// <summary><see cref="Range"/> as the native API's <c>start</c> and <c>end</c> (Unix nanoseconds; searches and analyses).</summary>
    private static string NativeRange =>
        $"start={Kubetrace.Storage.TimeRange.ToNanos(Range.Start)}&end={Kubetrace.Storage.TimeRange.ToNanos(Range.End)}";

    private static IEnumerable<string> Queries(string pattern, string path)
    {
        var (start, end) = Range;
        var nativeRange = NativeRange;
        var jaegerRange = $"start={start.ToUnixTimeMilliseconds() * 1000}&end={end.ToUnixTimeMilliseconds() * 1000}";
        var tempoRange = $"start={start.ToUnixTimeSeconds()}&end={end.ToUnixTimeSeconds()}";
        string[] services = ["frontend-a", "payments-b", "kube-apiserver", "ledger-c"];
        var v3Range = $"query.start_time_min={Uri.EscapeDataString(start.ToString("O"))}&query.start_time_max={Uri.EscapeDataString(end.ToString("O"))}";
        var monitorRange = $"endTs={end.ToUnixTimeMilliseconds()}&lookback={(long)(end - start).TotalMilliseconds}&step=60000";
        return pattern switch
        {
            "/api/v1/search" =>
            [
                $"{nativeRange}&limit=100&spans=100", .. services.Select(s => $"service={s}&{nativeRange}&spans=100"),
                "attr=" + Uri.EscapeDataString("namespace=team-b") + "&" + nativeRange, $"name=apply&{nativeRange}&spans=100",
                "q=" + Uri.EscapeDataString("{ span.namespace = \"team-b\" }") + $"&{nativeRange}&spans=100",
                "q=" + Uri.EscapeDataString("{ resource.service.name = \"payments-b\" } >> { }") + $"&{nativeRange}&spans=100",
            ],
            "/api/v3/traces" or "/api/v3/trace-summaries" =>
            [
                .. services.Select(s => $"query.service_name={s}&{v3Range}"),
                $"query.service_name=kube-apiserver&{v3Range}&query.attributes=" + Uri.EscapeDataString("{\"namespace\":\"team-b\"}"),
                $"query.service_name=kube-apiserver&{v3Range}&query.raw_traces=true",
            ],
            "/api/v3/operations" => services.Select(s => "service=" + s),
            "/api/metrics/calls" or "/api/metrics/errors" =>
                [.. services.Select(s => $"service={s}&{monitorRange}"), .. services.Select(s => $"service={s}&{monitorRange}&groupByOperation=true")],
            "/api/metrics/latencies" =>
                [.. services.Select(s => $"service={s}&{monitorRange}&quantile=0.95"), .. services.Select(s => $"service={s}&{monitorRange}&quantile=0.5&groupByOperation=true")],
            "/api/v1/dependencies" => [nativeRange],
            "/api/v1/attributes" or "/api/v1/attributes/{key}/values" or "/api/search/tags" or "/api/v2/search/tags" => ["", "scope=span", "scope=resource"],
            "/api/v1/analyze/{name}" => AnalysisQueries(path[(path.LastIndexOf('/') + 1)..]),
            "/api/traces" =>
            [
                .. services.Select(s => $"service={s}&{jaegerRange}&limit=100"),
                string.Join("&", ThreeNamespaces.Traces.Select(t => "traceID=" + ThreeNamespaces.Hex(t))),
                $"service=kube-apiserver&{jaegerRange}&tags=" + Uri.EscapeDataString("{\"namespace\":\"team-b\"}"),
            ],
            "/api/operations" => services.Select(s => "service=" + s),
            "/api/dependencies" => [$"endTs={end.ToUnixTimeMilliseconds()}&lookback={(long)(end - start).TotalMilliseconds}"],
            "/api/search" =>
            [
                $"q={Uri.EscapeDataString("{}")}&limit=100&spss=100&{tempoRange}",
                $"q={Uri.EscapeDataString("{ resource.service.name = \"payments-b\" }")}&{tempoRange}",
                $"tags={Uri.EscapeDataString("service.name=payments-b")}&{tempoRange}", "",
            ],
            "/api/search/tag/{tag}/values" or "/api/v2/search/tag/{tag}/values" => ["", $"q={Uri.EscapeDataString("{}")}&{tempoRange}"],
            "/api/metrics/query_range" or "/api/metrics/query" =>
            [
                "q=" + Uri.EscapeDataString("{} | rate() by (resource.service.name)") + "&" + tempoRange,
                "q=" + Uri.EscapeDataString("{} | count_over_time() by (span.namespace)") + "&" + tempoRange,
            ],
            "/api/metrics/summary" =>
            [
                "q=" + Uri.EscapeDataString("{ }") + "&groupBy=" + Uri.EscapeDataString("resource.service.name, span.namespace") + "&" + tempoRange,
                "q=" + Uri.EscapeDataString("{ span.namespace = \"team-b\" }") + "&groupBy=name&" + tempoRange,
            ],
            _ => [""],
        };
    }

    /// <summary>Each analysis with its required arguments filled from the data, and (<paramref name="options"/>) each option tried.</summary>
    public static IEnumerable<string> AnalysisQueries(string name, bool options = true)
    {
        var analysis = AnalysisCatalog.Find(name)!;
        var traces = ThreeNamespaces.Traces.Select(ThreeNamespaces.Hex).ToList();
        IEnumerable<string> Values(string parameter) => parameter switch
        {
            "trace-id" or "trace-a" or "trace-b" => traces,
            "object" => ThreeNamespaces.Objects,
            "service" => ThreeNamespaces.Services,
            "resource" => ["pods", "deployments", "nodes", "configmaps"],
            "by" => ["pod", "image", "node"],
            _ => [],
        };
        var required = analysis.Arguments.Where(a => a.Required).ToList();
        IEnumerable<string> combinations = [NativeRange];
        foreach (var argument in required)
            combinations = combinations.SelectMany(q => Values(argument.Name).Select(v => $"{q}&{argument.Name}={Uri.EscapeDataString(v)}")).ToList();
        foreach (var query in combinations)
        {
            yield return query;
            if (!options) continue;
            foreach (var option in analysis.Options.Concat(analysis.Arguments.Where(a => !a.Required)))
                foreach (var value in Values(option.Name))
                    yield return $"{query}&{option.Name}={Uri.EscapeDataString(value)}";
        }
    }
}
