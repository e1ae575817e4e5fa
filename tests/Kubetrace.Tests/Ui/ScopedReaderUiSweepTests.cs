using Kubetrace.Analysis;
using Kubetrace.Tests.Api.Authorization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// A reader allowed team-a only, signed in to the UI in a real browser, opens every page (search with and without
/// conditions, every trace, compare, every analysis, the service graph, the flow view) and asks the TraceQL box
/// and the tags field for completions, with <see cref="ThreeNamespaces"/> stored: no value of another namespace
/// appears in the rendered page or in any answer the page fetched. Values the reader typed into a URL or a box
/// are not counted where they are echoed (a form field, an error message), but a successful answer must not hold
/// them either.
/// </summary>
public sealed class ScopedReaderUiSweepTests(ScopedUiServer ui) : IClassFixture<ScopedUiServer>
{
    private sealed record Seen(string Where, string Text, bool Successful, string[] Asked);

    [SkippableFact]
    public async Task A_team_a_reader_opening_every_page_sees_no_value_of_another_namespace()
    {
        var (page, _) = await ui.NewPageAsync("alice");
        var seen = new List<Seen>();
        var fetched = new List<Task<Seen?>>();
        string[] asking = [];
        page.Response += (_, response) => fetched.Add(ReadAsync(response, asking));

        foreach (var (url, asked) in Pages())
        {
            asking = asked;
            await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.NetworkIdle });
            seen.Add(new Seen("page " + url, await page.ContentAsync(), false, asked));
        }
        asking = [];
        await page.GotoAsync("/ui/search", new() { WaitUntil = WaitUntilState.NetworkIdle });
        foreach (var typed in TraceQlPrefixes())
            seen.Add(await CompletionsAsync(page, page.GetByRole(AriaRole.Combobox, new() { Name = "TraceQL" }), typed));
        foreach (var typed in TagPrefixes())
            seen.Add(await CompletionsAsync(page, page.GetByPlaceholder("key=value key2=value2"), typed));
        seen.AddRange((await Task.WhenAll(fetched)).OfType<Seen>());

        var leaks = seen.SelectMany(s => ThreeNamespaces.ForeignToTeamA.Where(foreign => Shown(s).Contains(foreign, StringComparison.Ordinal))
            .Select(foreign => $"{foreign} in {s.Where}: {Excerpt(s.Text, foreign)}")).ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} leaks:\n" + string.Join("\n", leaks.Take(30)));
        // The sweep saw the reader's own data on pages, in answers and in completions (an empty sweep would pass).
        foreach (var own in ThreeNamespaces.TeamAValues)
            Assert.Contains(seen, s => s.Where.StartsWith("page ", StringComparison.Ordinal) && s.Text.Contains(own, StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Where.StartsWith("completions", StringComparison.Ordinal) && s.Text.Contains("\"team-a\"", StringComparison.Ordinal));
        Assert.True(fetched.Count > 100, $"the pages fetched only {fetched.Count} answers");
    }

    /// <summary>Every page of the UI, with the values of the data it asks about (foreign ones included).</summary>
    private static IEnumerable<(string Url, string[] Asked)> Pages()
    {
        var traces = ThreeNamespaces.Traces.Select(ThreeNamespaces.Hex).ToList();
        yield return ($"/ui/search?{Spans.WindowQuery}&limit=100", []);
        foreach (var service in ThreeNamespaces.Services)
            yield return ($"/ui/search?{Spans.WindowQuery}&service={service}", [service]);
        foreach (var ns in new[] { "team-a", "team-b", "team-c" })
        {
            yield return ($"/ui/search?{Spans.WindowQuery}&attr=k8s.namespace.name%3D{ns}", [ns]);
            yield return ($"/ui/search?{Spans.WindowQuery}&q={Uri.EscapeDataString($"{{ span.namespace = \"{ns}\" }}")}", [ns]);
        }
        yield return ($"/ui/search?{Spans.WindowQuery}&q={Uri.EscapeDataString("{ } >> { }")}", []);
        foreach (var trace in traces)
            yield return ($"/ui/trace/{trace}", []);
        foreach (var other in traces.Where(t => t != ThreeNamespaces.Hex(ThreeNamespaces.TeamA)))
            yield return ($"/ui/compare?a={ThreeNamespaces.Hex(ThreeNamespaces.TeamA)}&b={other}", []);
        yield return ("/ui/analyses", []);
        foreach (var analysis in AnalysisCatalog.All)
        foreach (var query in RouteSweep.AnalysisQueries(analysis.Name, options: false))
            yield return ($"/ui/analyses/{analysis.Name}?{query}", [.. query.Split('&').Select(p => Uri.UnescapeDataString(p[(p.IndexOf('=') + 1)..]))]);
        yield return ("/ui/graph", []);
        yield return ($"/ui/graph?since={Spans.SinceWindowStart}", []);
        yield return ("/ui/flow", []);
        foreach (var target in new[] { "pod/team-a/app-a-0", "deployment/team-b/secret-object-b", "pod/team-c/payroll-c", "deployment/team-a/frontend-a" })
            yield return ($"/ui/flow/{Uri.EscapeDataString(target)}?{Spans.WindowQuery}", [target, .. target.Split('/')]);
    }

    /// <summary>What typed into the TraceQL box asks for completions: scopes, each scope's names, each attribute's values.</summary>
    private static IEnumerable<string> TraceQlPrefixes()
    {
        yield return "{ ";
        foreach (var scope in new[] { "span.", "resource.", "." }) yield return "{ " + scope;
        foreach (var key in new[] { "span.namespace", "span.name", "span.url", "span.http.target", "span.key", "span.job.name",
                     "span.billing.account", "resource.service.name", "resource.k8s.namespace.name", ".namespace", ".k8s.namespace.name", ".key" })
            yield return $"{{ {key} = ";
    }

    private static IEnumerable<string> TagPrefixes() =>
        ["", "n", "k8s", .. new[] { "namespace", "name", "key", "job.name", "billing.account", "k8s.namespace.name", "service.name" }.Select(k => k + "=")];

    /// <summary>Types <paramref name="typed"/> into a field and reads the completions it offers once their answers arrived.</summary>
    private static async Task<Seen> CompletionsAsync(IPage page, ILocator field, string typed)
    {
        await field.FillAsync("");
        await field.FocusAsync();
        await field.PressSequentiallyAsync(typed);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForTimeoutAsync(100);
        var offered = await page.EvaluateAsync<string>(
            "() => [...document.querySelectorAll('#traceql-completions li, datalist option')].map(o => o.textContent + ' ' + (o.value ?? '')).join('\\n')");
        return new Seen($"completions of '{typed}'", offered, true, []);
    }

    private static async Task<Seen?> ReadAsync(IResponse response, string[] asked)
    {
        try
        {
            return new Seen($"answer {response.Status} {response.Url}", await response.TextAsync(), response.Ok, asked);
        }
        catch (PlaywrightException)
        {
            return null; // a redirect or a page left before its answer was read: no body
        }
    }

    /// <summary>What counts as shown: a successful answer whole; an echo of what was asked removed from a page or an error.</summary>
    private static string Shown(Seen seen) =>
        seen.Successful ? seen.Text : seen.Asked.Where(a => a.Length > 0).OrderByDescending(a => a.Length).Aggregate(seen.Text, (text, asked) => text.Replace(asked, ""));

    private static string Excerpt(string text, string value)
    {
        var at = text.IndexOf(value, StringComparison.Ordinal);
        return text[Math.Max(0, at - 150)..Math.Min(text.Length, at + 150)];
    }
}
