using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// The web UI in a real browser against a real server holding a simulated cluster: what a user does (fill the
/// search form, open a trace, click a span, follow a link, run an analysis) and what they then see.
/// </summary>
public sealed class WebUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [SkippableFact]
    public async Task Search_finds_a_trace_whose_view_shows_the_waterfall_and_a_spans_attributes()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var expected = await TraceWithSpanAsync("Call validating webhook");

        await page.GotoAsync("/");
        await page.GetByLabel("Service").SelectOptionAsync("apiserver");
        await page.GetByLabel("Operation").SelectOptionAsync("Call validating webhook");
        await page.GetByLabel("Lookback").SelectOptionAsync(LongestLookback);
        await page.GetByLabel("Limit").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.Locator($"tr[data-trace-id='{expected.TraceId}'] a").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/ui/trace/{expected.TraceId}"));
        var names = page.Locator(".wf-rows .wf-name");
        await Expect(names.First).ToHaveTextAsync(expected.RootName);
        var shown = await names.AllTextContentsAsync();
        Assert.Equal(expected.SpanNames.Order(), shown.Order());
        Assert.Contains("HTTP POST", shown);

        await page.Locator($"[data-span-id='{expected.SpanId}']").ClickAsync();
        var details = page.Locator(".span-details");
        await Expect(details.Locator("h2")).ToHaveTextAsync("Call validating webhook");
        await Expect(details.Locator("tr", new() { Has = page.Locator("th", new() { HasTextString = "webhook" }) }).First)
            .ToContainTextAsync(expected.Attributes["webhook"]);
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task The_search_form_sends_tags_and_kubernetes_fields_as_native_search_attributes()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var expected = await ui.ApiAsync($"/api/v1/search?attr=resource%3Dconfigmaps&attr=k8s.namespace.name%3Dpayments&{ui.Data.Query}");

        await page.GotoAsync("/ui/search");
        await page.GetByLabel("Tags").FillAsync("resource=configmaps");
        await page.GetByLabel("Namespace").FillAsync("payments");
        await page.GetByLabel("Lookback").SelectOptionAsync(LongestLookback);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"\\?lookback={LongestLookback}&limit=20&attr=resource%3Dconfigmaps&attr=k8s.namespace.name%3Dpayments$"));
        var rows = page.Locator(".search-results tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();
        var shown = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.traceId)");
        Assert.Equal(expected["traces"]!.AsArray().Select(t => t!["traceId"]!.GetValue<string>()), shown);
        Assert.NotEmpty(shown);
        // The form shows the search it made, so it can be refined.
        await Expect(page.GetByLabel("Namespace")).ToHaveValueAsync("payments");

        await page.GetByLabel("Tags").FillAsync("http.method");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Tags are key=value pairs separated by spaces; \"http.method\" is not one.");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Collapsing_a_span_hides_its_descendants_and_the_critical_path_is_marked()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var expected = await TraceWithSpanAsync("Call validating webhook");

        await page.GotoAsync($"/ui/trace/{expected.TraceId}");
        var rows = page.Locator(".wf-rows .wf-row");
        await Expect(rows).ToHaveCountAsync(expected.SpanNames.Count);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Collapse {expected.RootName}" }).ClickAsync();

        await Expect(rows).ToHaveCountAsync(1);
        var critical = await ui.ApiAsync($"/api/v1/analyze/critical-path?trace-id={expected.TraceId}");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Expand {expected.RootName}" }).ClickAsync();
        var marked = await page.Locator(".wf-row.critical").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.spanId)");
        Assert.Equal(critical["data"]!["path"]!.AsArray().Select(s => s!["spanId"]!.GetValue<string>()).Order(), marked.Order());
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task A_span_link_opens_the_linked_trace_with_the_linked_span_selected()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, spanId, link) = await SpanWithLinkAsync();

        await page.GotoAsync($"/ui/trace/{traceId}?span={spanId}");
        // On the timeline the span's row says it has links to other traces.
        await Expect(page.Locator($".wf-row[data-span-id='{spanId}'] .wf-link")).ToHaveTextAsync(new Regex("⇢ [1-9]\\d*$"));
        await page.Locator(".span-details .links a").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/ui/trace/{link.TraceId}\\?span={link.SpanId}$"));
        await Expect(page.Locator($".wf-row.selected[data-span-id='{link.SpanId}']")).ToBeVisibleAsync();
        await Expect(page.Locator(".summary")).ToContainTextAsync(link.TraceId);
        Assert.Empty(scriptErrors);
    }

    /// <summary>
    /// A bar's duration and link mark follow its end; a root's bar ends at the axis's end, so its "3.35ms ⇢ 1" ran
    /// past the waterfall's edge and lost the count. Every row's label is now whole inside the waterfall.
    /// </summary>
    [SkippableTheory]
    [InlineData(1024)]
    [InlineData(1600)]
    public async Task Every_duration_and_link_mark_is_whole_inside_the_waterfall(int width)
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(width, 900);
        var (traceId, spanId, _) = await SpanWithLinkAsync();

        await page.GotoAsync($"/ui/trace/{traceId}?span={spanId}");
        await Expect(page.Locator($".wf-row[data-span-id='{spanId}'] .wf-link")).ToBeVisibleAsync();
        var outside = await page.Locator(".wf-rows .wf-duration").EvaluateAllAsync<string[]>(
            "labels => { const edge = document.querySelector('.waterfall').getBoundingClientRect(); " +
            "return labels.filter(l => { const r = l.getBoundingClientRect(); return r.right > edge.right - 1 || r.left < edge.left; }).map(l => l.textContent); }");
        Assert.Empty(outside);
        await UiServer.ScreenshotsAsync(page, $"trace-labels-{width}");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task The_analyses_page_runs_apiserver_and_webhooks_and_the_planted_slow_webhook_comes_first()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var planted = ui.Report.SlowWebhook!;

        await page.GotoAsync("/ui/analyses");
        await page.GetByRole(AriaRole.Link, new() { Name = "apiserver", Exact = true }).First.ClickAsync();
        var since = ui.Data.Since;
        await page.GetByLabel("Since").FillAsync(since);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/ui/analyses/apiserver\\?since={since}$"));
        await Expect(page.Locator(".analysis-table h2")).ToHaveTextAsync("kube-apiserver latency by verb and resource");
        var apiserverFirst = await FirstRowAsync(page);
        Assert.Contains(apiserverFirst[1], planted.Resources);
        await Expect(page.Locator(".notes")).ToContainTextAsync("sorted by p99 latency, worst first");

        // Another analysis from the menu runs over the same range.
        await page.Locator(".side-menu").GetByRole(AriaRole.Link, new() { Name = "webhooks" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/ui/analyses/webhooks\\?since={since}$"));
        await Expect(page.Locator(".analysis-table h2")).ToContainTextAsync("webhook");
        Assert.Contains(planted.Webhook, string.Join(" ", await FirstRowAsync(page)));
        Assert.Empty(scriptErrors);
    }

    [SkippableTheory]
    [InlineData("lists", "LIST requests by resource, caller and where they were served")]
    [InlineData("etcd-timeline", "etcd latency over time beside compactions")]
    public async Task The_watch_cache_and_compaction_questions_show_their_tables_as_the_api_answers_them(string analysis, string title)
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var answer = await ui.ApiAsync($"/api/v1/analyze/{analysis}?{ui.Data.Query}");
        var rows = answer["table"]!["rows"]!.AsArray();

        await page.GotoAsync($"/ui/analyses/{analysis}?{ui.Data.Query}");

        await Expect(page.Locator(".analysis-table h2")).ToHaveTextAsync(title);
        Assert.NotEmpty(rows);
        // A column of times on one day (the buckets') says the day once, in its header, and each row its time of day.
        var firstCells = rows.Select(r => r![0]!.GetValue<string>()).ToList();
        var day = Regex.IsMatch(firstCells[0], @"^\d{4}-\d\d-\d\d ") && firstCells.All(c => c.StartsWith(firstCells[0][..11], StringComparison.Ordinal)) ? firstCells[0][..10] : null;
        Assert.Equal(day is null ? firstCells[0] : firstCells[0][11..], (await FirstRowAsync(page))[0]);
        if (day is not null) await Expect(page.Locator(".analysis-table th").Nth(1)).ToContainTextAsync(day);
        await Expect(page.Locator(".analysis-table tbody tr")).ToHaveCountAsync(rows.Count);
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task The_service_graph_draws_apiserver_calling_etcd()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();

        await page.GotoAsync($"/ui/graph?since={ui.Data.Since}");

        await Expect(page.Locator(".graph-node[data-service='apiserver']")).ToBeVisibleAsync();
        await Expect(page.Locator(".graph-node[data-service='etcd']")).ToBeVisibleAsync();
        var edges = await page.Locator(".graph-edge title").AllTextContentsAsync();
        Assert.Contains(edges, e => e.StartsWith("apiserver → etcd (via call): ", StringComparison.Ordinal));
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task An_unknown_trace_and_a_rejected_search_show_the_servers_message()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var unknown = new string('a', 32);

        await page.GotoAsync("/ui/search");
        await page.GetByLabel("Trace ID").FillAsync(unknown);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"trace {unknown} not found");

        await page.GotoAsync("/ui/search?minDuration=fast");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("minDuration:");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("(use e.g. 200ms, 5m, 1h, 7d, 2w)");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Rows_of_spans_in_error_are_as_high_as_the_others_and_marked()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var found = await ui.ApiAsync($"/api/v1/search?status=error&limit=1&{ui.Data.Query}");
        var traceId = found["traces"]![0]!["traceId"]!.GetValue<string>();

        await page.GotoAsync($"/ui/trace/{traceId}");
        var errorRows = page.Locator(".wf-rows .wf-row.error");
        await Expect(errorRows.First).ToBeVisibleAsync();
        var heights = await page.Locator(".wf-rows .wf-row").EvaluateAllAsync<double[]>("rows => rows.map(r => r.getBoundingClientRect().height)");
        var errorHeights = await errorRows.EvaluateAllAsync<double[]>("rows => rows.map(r => r.getBoundingClientRect().height)");

        Assert.All(errorHeights, h => Assert.Equal(heights.Min(), h, 0.5));
        Assert.Equal(heights.Min(), heights.Max(), 0.5);
        Assert.Empty(scriptErrors);
    }

    /// <summary>The search form's longest look-back: its ranges are look-backs from now (no start and end), and this one
    /// reaches the fixture's data however long the suite has run.</summary>
    private const string LongestLookback = "7d";

    private static async Task<string[]> FirstRowAsync(IPage page)
    {
        var first = page.Locator(".analysis-table tbody tr").First;
        await Expect(first).ToBeVisibleAsync();
        return (await first.Locator("td:not(.examples)").AllTextContentsAsync()).ToArray(); // the analysis's own cells
    }

    private sealed record ExpectedTrace(string TraceId, string RootName, List<string> SpanNames, string SpanId, Dictionary<string, string> Attributes);

    /// <summary>The most recent trace with a span of that name, read through the native API, with that span.</summary>
    private async Task<ExpectedTrace> TraceWithSpanAsync(string spanName)
    {
        var found = await ui.ApiAsync($"/api/v1/search?service=apiserver&name={Uri.EscapeDataString(spanName)}&limit=1&{ui.Data.Query}");
        var traceId = found["traces"]![0]!["traceId"]!.GetValue<string>();
        var spans = Spans(await ui.ApiAsync($"/api/v1/traces/{traceId}")).ToList();
        var root = spans.Single(s => s["parentSpanId"] is null);
        var span = spans.First(s => s["name"]!.GetValue<string>() == spanName);
        var attributes = span["attributes"]!.AsArray().ToDictionary(a => a!["key"]!.GetValue<string>(), a => a!["value"]!["stringValue"]?.GetValue<string>() ?? "");
        return new ExpectedTrace(traceId, root["name"]!.GetValue<string>(), spans.Select(s => s["name"]!.GetValue<string>()).ToList(),
            span["spanId"]!.GetValue<string>(), attributes);
    }

    private sealed record Link(string TraceId, string SpanId);

    /// <summary>An apiserver request made by a traced caller: its server span links to the caller's client span.</summary>
    private async Task<(string TraceId, string SpanId, Link Link)> SpanWithLinkAsync()
    {
        var found = await ui.ApiAsync($"/api/v1/search?service=apiserver&kind=server&limit=200&{ui.Data.Query}");
        foreach (var summary in found["traces"]!.AsArray())
        {
            var traceId = summary!["traceId"]!.GetValue<string>();
            foreach (var span in Spans(await ui.ApiAsync($"/api/v1/traces/{traceId}")))
                if (span["links"]?.AsArray() is [var link, ..])
                    return (traceId, span["spanId"]!.GetValue<string>(), new Link(link!["traceId"]!.GetValue<string>(), link["spanId"]!.GetValue<string>()));
        }
        throw new InvalidOperationException("no apiserver span with a link among 200 simulated requests: the simulator links traced callers' requests");
    }

    private static IEnumerable<JsonNode> Spans(JsonNode trace) =>
        trace["resourceSpans"]!.AsArray().SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray())!;
}
