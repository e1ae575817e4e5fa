using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// Every analysis row links to concrete traces the analysis itself classified as the row's (the slowest and a typical
/// one, opened at the measured span) and, where it carries its search, to all the traces behind it, the search finding
/// exactly the spans the row rests on; table columns and the waterfall's name column resize.
/// </summary>
public sealed class AnalysisRowLinksUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [Theory]
    [InlineData("red")]
    [InlineData("webhooks")]
    [InlineData("pods")]
    [InlineData("pods", "&by=node")]
    [InlineData("pods", "&by=image")]
    [InlineData("etcd")]
    [InlineData("lists")]
    // apiserver: Kubernetes/Analyses/ApiserverRowSearchTests, every row of every release's shape.
    public async Task Each_rows_search_finds_exactly_the_spans_the_row_rests_on(string analysis, string options = "")
    {
        var answer = await ui.ApiAsync($"/api/v1/analyze/{analysis}?{ui.Data.Query}{options}");
        var table = answer["table"]!;
        var rows = table["rows"]!.AsArray();
        var searches = table["searches"]!.AsArray();
        Assert.Equal(rows.Count, searches.Count);

        foreach (var ((search, sample), row) in searches.Zip(table["samples"]!.AsArray()).Zip(rows).Take(12))
        {
            var cells = row!.AsArray().Select(c => c!.GetValue<string>()).ToList();
            if (search is null)
            {
                Assert.True(Unsearchable(analysis, cells), $"{analysis} row without a search: {string.Join(" | ", cells)}");
                continue;
            }
            var range = $"&start={answer["start"]}&end={answer["end"]}&limit=10000";
            var matched = await MatchedSpansAsync(SearchQuery(search) + range);
            Assert.True(sample!["sampled"]!.GetValue<long>() == matched, $"{analysis} row {search.ToJsonString()}: {matched} spans found, the row rests on {sample["sampled"]}");
            if (search["traceQl"]?.GetValue<string>() is { } traceQl)
            {
                // The form the UI narrows it to for the slowest and typical links: a pipeline stage on the row's own spans.
                var narrowed = HttpUtility.ParseQueryString("");
                narrowed["q"] = traceQl + " | { duration >= 0ns }";
                Assert.Equal(matched, await MatchedSpansAsync(narrowed + range));
            }
        }
    }

    /// <summary>The rows the analyses say no search can single out (docs/api.md, each analysis's row search): etcd's named
    /// rows measured on etcd's side or without an operation; its (compaction) and (unknown) rows have theirs.</summary>
    private static bool Unsearchable(string analysis, IReadOnlyList<string> row) => analysis switch
    {
        "etcd" => !row[0].StartsWith('(') && (row[3] == "etcd" || row[2] == "-"),
        "lists" => row[0].StartsWith('('),
        _ => false,
    };

    private static string SearchQuery(JsonNode search)
    {
        var query = HttpUtility.ParseQueryString("");
        if (search["traceQl"]?.GetValue<string>() is { } traceQl) query["q"] = traceQl;
        if (search["service"]?.GetValue<string>() is { } service) query["service"] = service;
        if (search["name"]?.GetValue<string>() is { } name) query["name"] = name;
        if (search["kind"]?.GetValue<string>() is { } kind) query["kind"] = kind;
        foreach (var attribute in search["attributes"]?.AsArray() ?? []) query.Add("attr", attribute!.GetValue<string>());
        return query.ToString()!;
    }

    private async Task<long> MatchedSpansAsync(string query)
    {
        var found = await ui.ApiAsync($"/api/v1/search?{query}");
        return found["traces"]!.AsArray().Sum(t => t!["matchedSpans"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("apiserver")]
    [InlineData("webhooks")]
    [InlineData("etcd")]
    [InlineData("lists")]
    [InlineData("pods", "&by=image")]
    [InlineData("pods", "")]
    [InlineData("pods", "&by=node")]
    [InlineData("etcd-timeline")]
    [InlineData("red")]
    [InlineData("graph")]
    public async Task Every_row_links_concrete_traces_that_hold_the_span_it_measured(string analysis, string options = "")
    {
        var answer = await ui.ApiAsync($"/api/v1/analyze/{analysis}?{ui.Data.Query}{options}");
        var table = answer["table"]!;
        var rows = table["rows"]!.AsArray();
        var examples = table["examples"]!.AsArray();
        Assert.NotEmpty(rows);
        Assert.Equal(rows.Count, examples.Count);

        foreach (var (row, example) in rows.Zip(examples).Take(8))
        {
            var shown = string.Join(" | ", row!.AsArray().Select(c => c!.GetValue<string>()));
            if (analysis == "graph" && row![2]!.GetValue<string>() == "link") continue; // a link edge is no call of a trace
            if (analysis == "etcd-timeline" && row![2]!.GetValue<string>() == "-") continue; // a bucket of compactions alone: no call measured
            Assert.True(example is not null, $"{analysis} row without an example: {shown}");
            var slowest = example!["slowest"]!;
            var trace = await ui.ApiAsync($"/api/v1/traces/{slowest["traceId"]!.GetValue<string>()}");
            var spans = trace["resourceSpans"]!.AsArray().SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray()).ToList();
            Assert.NotEmpty(spans);
            if (slowest["spanId"]?.GetValue<string>() is not { } spanId) continue; // a pod's start-up: the whole trace
            var span = spans.SingleOrDefault(s => s!["spanId"]!.GetValue<string>() == spanId);
            Assert.True(span is not null, $"{analysis} row {shown}: span {spanId} is not in its example trace");
            var durationMs = (long.Parse(span!["endTimeUnixNano"]!.GetValue<string>()) - long.Parse(span["startTimeUnixNano"]!.GetValue<string>())) / 1e6;
            Assert.Equal(durationMs, slowest["durationMs"]!.GetValue<double>(), 3);
            if (analysis == "apiserver" && row![1]!.GetValue<string>() is var resource && !resource.StartsWith('('))
            {
                // The request's server span: its route names the row's resource (the verb may come from the handler below it).
                Assert.Equal(2, span["kind"]!.GetValue<int>());
                Assert.Contains("/" + resource.Split('/', ' ', '.')[0], span["name"]!.GetValue<string>() + " " + Attribute(span, "http.target") + " " + Attribute(span, "url.path"));
            }
        }
    }

    private static string Attribute(JsonNode span, string key) =>
        span["attributes"]?.AsArray().FirstOrDefault(a => a!["key"]!.GetValue<string>() == key)?["value"]?["stringValue"]?.GetValue<string>() ?? "";

    [SkippableFact]
    public async Task A_rows_slowest_and_typical_links_open_its_example_traces_at_the_measured_span_and_all_opens_a_prefilled_search()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var webhook = ui.Report.SlowWebhook!.Webhook;
        var answer = await ui.ApiAsync($"/api/v1/analyze/webhooks?{ui.Data.Query}");
        var index = answer["table"]!["rows"]!.AsArray().Select(r => r![1]!.GetValue<string>()).ToList().IndexOf(webhook);
        var examples = answer["table"]!["examples"]![index]!;

        await page.GotoAsync($"/ui/analyses/webhooks?{ui.Data.Query}");
        var row = page.Locator(".analysis-table tbody tr", new() { HasTextString = webhook });
        await row.GetByRole(AriaRole.Link, new() { Name = "slowest" }).ClickAsync();
        var slowest = examples["slowest"]!;
        await Expect(page).ToHaveURLAsync($"{ui.BaseUrl}/ui/trace/{slowest["traceId"]}?span={slowest["spanId"]}");
        // The trace opens at the webhook's call, the span the row measured.
        await Expect(page.Locator(".wf-row.selected")).ToContainTextAsync(new Regex("Call (mutating|validating) webhook"));

        await page.GoBackAsync();
        await row.GetByRole(AriaRole.Link, new() { Name = "typical" }).ClickAsync();
        var typical = examples["typical"]!;
        await Expect(page).ToHaveURLAsync($"{ui.BaseUrl}/ui/trace/{typical["traceId"]}?span={typical["spanId"]}");
        Assert.True(typical["durationMs"]!.GetValue<double>() <= slowest["durationMs"]!.GetValue<double>());

        await page.GoBackAsync();
        await row.GetByRole(AriaRole.Link, new() { Name = "all" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/ui/search\\?name=Call\\+(mutating|validating)\\+webhook&attr=k8s.webhook.configuration%3D[^&]+&attr=k8s.webhook.name%3D{Regex.Escape(Uri.EscapeDataString(webhook))}&start=\\d+&end=\\d+$"));
        await Expect(page.Locator(".search-results tbody tr").First).ToBeVisibleAsync();
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task A_lists_rows_all_link_opens_its_TraceQL_search_prefilled_with_the_rows_LISTs()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var answer = await ui.ApiAsync($"/api/v1/analyze/lists?{ui.Data.Query}");
        var traceQl = answer["table"]!["searches"]![0]!["traceQl"]!.GetValue<string>();
        var lists = answer["table"]!["samples"]![0]!["sampled"]!.GetValue<long>();

        await page.GotoAsync($"/ui/analyses/lists?{ui.Data.Query}");
        await page.Locator(".analysis-table tbody tr").First.GetByRole(AriaRole.Link, new() { Name = "all" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/ui/search\\?q=[^&]+&start=\\d+&end=\\d+$"));
        Assert.Equal(traceQl, HttpUtility.ParseQueryString(new Uri(page.Url).Query)["q"]);
        // The query is in the TraceQL box, ready to edit, and the results hold the row's LISTs.
        await Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "TraceQL" })).ToHaveValueAsync(traceQl);
        await Expect(page.Locator(".search-results tbody tr").First).ToBeVisibleAsync();
        Assert.InRange(await page.Locator(".search-results tbody tr").CountAsync(), 1, (int)Math.Min(lists, 20));
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task An_apiserver_rows_slowest_link_opens_the_request_it_classified_at_its_server_span()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var answer = await ui.ApiAsync($"/api/v1/analyze/apiserver?{ui.Data.Query}");
        var first = answer["table"]!["rows"]![0]!;
        var slowest = answer["table"]!["examples"]![0]!["slowest"]!;

        await page.GotoAsync($"/ui/analyses/apiserver?{ui.Data.Query}");
        await page.Locator(".analysis-table tbody tr").First.GetByRole(AriaRole.Link, new() { Name = "slowest" }).ClickAsync();

        await Expect(page).ToHaveURLAsync($"{ui.BaseUrl}/ui/trace/{slowest["traceId"]}?span={slowest["spanId"]}");
        var resource = first[1]!.GetValue<string>().Split('/', ' ')[0];
        await Expect(page.Locator(".wf-row.selected")).ToContainTextAsync(new Regex($"(GET|POST|PUT|PATCH|DELETE|KubernetesAPI).*{Regex.Escape(resource)}|KubernetesAPI"));
        await UiServer.ScreenshotsAsync(page, "apiserver-row-example-trace");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task An_etcd_timeline_bucket_links_its_example_calls_and_a_search_over_the_bucket_labelled_as_not_exact()
    {
        // docs/ui.md: a bucket counts the calls starting in it, which TraceQL cannot say and the native fields cannot single out,
        // so its search (the bucket's calls over the bucket's range) also lists the other calls of the traces it finds.
        var answer = await ui.ApiAsync($"/api/v1/analyze/etcd-timeline?{ui.Data.Query}");
        var table = answer["table"]!;
        var index = table["searches"]!.AsArray().ToList().FindIndex(s => s is not null);
        var search = table["searches"]![index]!;
        var (start, end) = (search["start"]!.GetValue<long>(), search["end"]!.GetValue<long>());
        Assert.Equal(60_000_000_000, end - start);
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.GotoAsync($"/ui/analyses/etcd-timeline?{ui.Data.Query}");
        var bucket = page.Locator(".analysis-table tbody tr").Nth(index);
        await Expect(bucket.GetByRole(AriaRole.Link, new() { Name = "typical" })).ToBeVisibleAsync();
        await Expect(bucket.GetByRole(AriaRole.Link, new() { Name = "all", Exact = true })).ToHaveCountAsync(0);
        var inexact = bucket.GetByRole(AriaRole.Link, new() { Name = "≈all" });
        await Expect(inexact).ToHaveAttributeAsync("title", new Regex("^A search holding the row's spans and more, pre-filled\\. Not exact: a bucket counts the calls that start in it"));
        await UiServer.ScreenshotsAsync(page, "etcd-timeline-bucket-search");

        await inexact.ClickAsync();
        // The bucket's own minute, exactly (Unix nanoseconds beyond a Number's exact integers), not the analysis's range.
        await Expect(page).ToHaveURLAsync(new Regex($"/ui/search\\?q=[^&]+&start={start}&end={end}$"));
        Assert.Equal(search["traceQl"]!.GetValue<string>(), HttpUtility.ParseQueryString(new Uri(page.Url).Query)["q"]);
        await Expect(page.Locator(".search-results tbody tr").First).ToBeVisibleAsync();
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Dragging_a_column_edge_resizes_that_column_and_the_waterfall_name_column_and_the_widths_are_kept()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(1600, 900);
        await page.GotoAsync($"/ui/analyses/red?{ui.Data.Query}");
        var header = page.Locator(".analysis-table th", new() { HasTextString = "operation" });
        var before = (await header.BoundingBoxAsync())!.Width;
        var other = page.Locator(".analysis-table th", new() { HasTextString = "kind" });
        var otherBefore = (await other.BoundingBoxAsync())!.Width;

        await DragAsync(page, page.GetByRole(AriaRole.Separator, new() { Name = "Resize operation", Exact = true }), 120);

        Assert.InRange((await header.BoundingBoxAsync())!.Width, before + 115, before + 125);
        Assert.InRange((await other.BoundingBoxAsync())!.Width, otherBefore - 1, otherBefore + 1);
        // Kept in the browser: the table opens again at the widths set; another analysis's table keeps its own.
        await page.ReloadAsync();
        await Expect(header).ToBeVisibleAsync();
        Assert.InRange((await header.BoundingBoxAsync())!.Width, before + 115, before + 125);
        await page.GotoAsync($"/ui/analyses/etcd?{ui.Data.Query}");
        await Expect(page.Locator(".analysis-table th").First).ToBeVisibleAsync();
        Assert.Equal("auto", await page.Locator(".analysis-table table").EvaluateAsync<string>("t => getComputedStyle(t).tableLayout"));

        var traces = (await ui.ApiAsync($"/api/v1/search?service=apiserver&limit=2&{ui.Data.Query}"))["traces"]!.AsArray();
        await page.GotoAsync($"/ui/trace/{traces[0]!["traceId"]}");
        var label = page.Locator(".wf-header .wf-label");
        var labelBefore = (await label.BoundingBoxAsync())!.Width;
        await DragAsync(page, page.GetByRole(AriaRole.Separator, new() { Name = "Resize Service and span" }), 150);
        var labelAfter = (await label.BoundingBoxAsync())!.Width;
        Assert.InRange(labelAfter, labelBefore + 145, labelBefore + 155);
        Assert.InRange((await page.Locator(".wf-rows .wf-row .wf-label").First.BoundingBoxAsync())!.Width, labelAfter - 1, labelAfter + 1);
        await UiServer.ScreenshotsAsync(page, "trace-resized-name-column");
        await page.GotoAsync($"/ui/trace/{traces[1]!["traceId"]}");
        await Expect(label).ToBeVisibleAsync();
        Assert.InRange((await label.BoundingBoxAsync())!.Width, labelAfter - 1, labelAfter + 1);
        Assert.Empty(scriptErrors);
    }

    private static async Task DragAsync(IPage page, ILocator handle, int pixels)
    {
        var box = (await handle.BoundingBoxAsync())!;
        var (x, y) = (box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Mouse.MoveAsync(x, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x + pixels / 2, y, new() { Steps = 4 });
        await page.Mouse.MoveAsync(x + pixels, y, new() { Steps = 4 });
        await page.Mouse.UpAsync();
    }
}
