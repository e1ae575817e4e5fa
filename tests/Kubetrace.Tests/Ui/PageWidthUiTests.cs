using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// What a page shows fits the window it is read in: at 1024 px every analysis row's example links are on screen
/// without scrolling sideways, whatever the width of the names in the row; at 1440 px an object's timeline table is
/// read with its times on one line each.
/// </summary>
public sealed class PageWidthUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [SkippableTheory]
    [InlineData("apiserver")]
    [InlineData("red")]
    [InlineData("webhooks")]
    [InlineData("pods")]
    [InlineData("pods", "&by=node")]
    [InlineData("pods", "&by=image")]
    [InlineData("etcd")]
    [InlineData("lists")]
    public async Task At_1024_px_every_analysis_rows_links_are_on_screen(string analysis, string options = "")
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(1024, 768);

        await page.GotoAsync($"/ui/analyses/{analysis}?since=1h{options}");
        var links = page.Locator(".analysis-table tbody .example-link");
        await Expect(links.First).ToBeVisibleAsync();
        // Each link's box against the window and against the table's scrolling box, neither scrolled.
        var offScreen = await links.EvaluateAllAsync<string[]>(
            "links => links.map(a => { const box = a.getBoundingClientRect(); " +
            "const clip = a.closest('.analysis-table').getBoundingClientRect(); " +
            "const right = Math.min(document.documentElement.clientWidth, clip.right); " +
            "return box.left >= 0 && box.right <= right + 0.5 ? null : `${a.textContent} of '${a.closest('tr').cells[0].textContent}' at ${Math.round(box.left)}–${Math.round(box.right)} px, the page ends at ${Math.round(right)}`; })" +
            ".filter(Boolean)");
        Assert.Empty(offScreen);
        await UiServer.ScreenshotsAsync(page, $"analysis-links-{analysis}{options.Replace("&by=", "-")}");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task At_1440_px_an_object_timeline_has_its_times_on_one_line()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(1440, 900);
        var pod = (await ui.ApiAsync("/api/v1/analyze/pods?since=1h"))["table"]!["rows"]![0]![0]!.GetValue<string>();
        var url = $"/analyses/object?object={Uri.EscapeDataString(pod)}&since=24h&resource=pods";
        var table = (await ui.ApiAsync("/api/v1/analyze" + url[9..]))["table"]!;
        var columns = table["columns"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();

        await page.GotoAsync("/ui" + url);
        var rows = page.Locator(".analysis-table tbody tr");
        await Expect(rows).ToHaveCountAsync(table["rows"]!.AsArray().Count);

        // How many line boxes (distinct tops) each time cell's text takes.
        const string Lines = "td => { const r = document.createRange(); r.selectNodeContents(td); return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }";
        var times = await page.Locator($".analysis-table tbody td:nth-child({columns.IndexOf("Time (UTC)") + 1})").EvaluateAllAsync<int[]>($"cells => cells.map({Lines})");
        Assert.All(times, lines => Assert.Equal(1, lines));
        await UiServer.ScreenshotsAsync(page, "object-timeline");
        Assert.Empty(scriptErrors);
    }
}
