using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// Every analysis row that carries its search links to the traces behind it (the slowest, a typical one, all), and
/// the search finds exactly the spans the row rests on; table columns and the waterfall's name column resize.
/// </summary>
public sealed class AnalysisRowLinksUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [Theory]
    [InlineData("red")]
    [InlineData("webhooks")]
    public async Task Each_rows_search_finds_exactly_the_spans_the_row_rests_on(string analysis)
    {
        var answer = await ui.ApiAsync($"/api/v1/analyze/{analysis}?since=1h");
        var table = answer["table"]!;
        var searches = table["searches"]!.AsArray();
        Assert.Equal(table["rows"]!.AsArray().Count, searches.Count);

        foreach (var (search, sample) in searches.Zip(table["samples"]!.AsArray()).Take(12))
        {
            var query = HttpUtility.ParseQueryString("");
            if (search!["service"]?.GetValue<string>() is { } service) query["service"] = service;
            if (search["name"]?.GetValue<string>() is { } name) query["name"] = name;
            if (search["kind"]?.GetValue<string>() is { } kind) query["kind"] = kind;
            foreach (var attribute in search["attributes"]!.AsArray()) query.Add("attr", attribute!.GetValue<string>());
            var found = await ui.ApiAsync($"/api/v1/search?{query}&start={answer["start"]}&end={answer["end"]}&limit=10000");

            var matched = found["traces"]!.AsArray().Sum(t => t!["matchedSpans"]!.GetValue<long>());
            Assert.True(sample!["sampled"]!.GetValue<long>() == matched, $"{analysis} row {search.ToJsonString()}: {matched} spans found, the row rests on {sample["sampled"]}");
        }
    }

    [SkippableFact]
    public async Task A_rows_typical_and_slowest_links_open_a_prefilled_search_of_its_traces()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var webhook = ui.Report.SlowWebhook!.Webhook;

        await page.GotoAsync("/ui/analyses/webhooks?since=1h");
        var row = page.Locator(".analysis-table tbody tr", new() { HasTextString = webhook });
        await row.GetByRole(AriaRole.Link, new() { Name = "typical" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/ui/search\\?name=Call\\+(mutating|validating)\\+webhook&attr=k8s.webhook.configuration%3D[^&]+&attr=k8s.webhook.name%3D{Regex.Escape(Uri.EscapeDataString(webhook))}&start=\\d+&end=\\d+&minDuration=\\d+us&maxDuration=\\d+us$"));
        await Expect(page.Locator(".search-results tbody tr").First).ToBeVisibleAsync();
        var query = HttpUtility.ParseQueryString(new Uri(page.Url).Query);
        var (low, high) = (Micros(query["minDuration"]!), Micros(query["maxDuration"]!));
        Assert.True(low < high, $"{low}..{high} µs");

        await page.GoBackAsync();
        await row.GetByRole(AriaRole.Link, new() { Name = "slowest" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("minDuration=\\d+us&sort=duration$"));
        var shown = await page.Locator(".search-results tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.traceId)");
        Assert.NotEmpty(shown);
        // The slowest call planted: the webhook's span is at least its p99's lower bound, so its trace is found.
        var slowest = await ui.ApiAsync($"/api/v1/search?{new Uri(page.Url).Query.TrimStart('?').Replace("&sort=duration", "")}&limit=10000");
        var found = slowest["traces"]!.AsArray().Select(t => t!["traceId"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(Math.Min(found.Count, 20), shown.Length); // the search page shows its limit (20) at most
        Assert.Subset(found, shown.ToHashSet());
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Dragging_a_column_edge_resizes_that_column_and_the_waterfall_name_column()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(1600, 900);
        await page.GotoAsync("/ui/analyses/red?since=1h");
        var header = page.Locator(".analysis-table th", new() { HasTextString = "operation" });
        var before = (await header.BoundingBoxAsync())!.Width;
        var other = page.Locator(".analysis-table th", new() { HasTextString = "kind" });
        var otherBefore = (await other.BoundingBoxAsync())!.Width;

        await DragAsync(page, page.GetByRole(AriaRole.Separator, new() { Name = "Resize operation", Exact = true }), 120);

        Assert.InRange((await header.BoundingBoxAsync())!.Width, before + 115, before + 125);
        Assert.InRange((await other.BoundingBoxAsync())!.Width, otherBefore - 1, otherBefore + 1);

        var traceId = (await ui.ApiAsync("/api/v1/search?service=apiserver&limit=1"))["traces"]![0]!["traceId"]!.GetValue<string>();
        await page.GotoAsync($"/ui/trace/{traceId}");
        var label = page.Locator(".wf-header .wf-label");
        var labelBefore = (await label.BoundingBoxAsync())!.Width;
        await DragAsync(page, page.GetByRole(AriaRole.Separator, new() { Name = "Resize Service and span" }), 150);
        var labelAfter = (await label.BoundingBoxAsync())!.Width;
        Assert.InRange(labelAfter, labelBefore + 145, labelBefore + 155);
        Assert.InRange((await page.Locator(".wf-rows .wf-row .wf-label").First.BoundingBoxAsync())!.Width, labelAfter - 1, labelAfter + 1);
        await UiServer.ScreenshotsAsync(page, "trace-resized-name-column");
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

    private static long Micros(string duration) => long.Parse(duration.TrimEnd('u', 's'), System.Globalization.CultureInfo.InvariantCulture);
}
