using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// The analyses page in a real browser says what each answer rests on: the sampled traces of every row, the
/// summary above the table, rows on too small a sample marked, and scaled figures (≈) once a rate is given.
/// </summary>
public sealed class SamplingUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [SkippableFact]
    public async Task An_analysis_shows_each_rows_traces_the_sampling_summary_and_marks_small_samples()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var expected = await ui.ApiAsync($"/api/v1/analyze/apiserver?{ui.Data.Query}&sampling-rate-per-million=100");

        // The form's range is a look-back (Since): one that reaches the fixture's data.
        await page.GotoAsync("/ui/analyses/apiserver");
        await page.GetByLabel("Since").FillAsync(ui.Data.Since);
        await page.GetByLabel("Sampling rate per million").FillAsync("100");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("sampling-rate-per-million=100$"));
        // The table's last column is what each row rests on; the page puts the rows' example-trace links first.
        await Expect(page.Locator(".analysis-table th").First).ToHaveTextAsync("Example traces");
        var headers = await page.Locator(".analysis-table th").EvaluateAllAsync<string[]>("hs => hs.map(h => h.textContent)");
        Assert.Equal("Traces", headers[^1]);
        var samples = expected["table"]!["samples"]!.AsArray();
        var traces = await page.Locator(".analysis-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.traces)");
        Assert.Equal(samples.Select(s => s!["traces"]!.ToString()), traces);
        await Expect(page.Locator(".sampling-summary")).ToContainTextAsync("⇒ ≈");
        await Expect(page.Locator(".sampling-summary")).ToContainTextAsync("Rests on");

        var small = samples.Count(s => s!["small"]!.GetValue<bool>());
        Assert.True(small > 0, "a simulated cluster's rare verbs rest on a few requests");
        await Expect(page.Locator("tr.small-sample")).ToHaveCountAsync(small);
        var marked = page.Locator("tr.small-sample td.sample-mark", new() { HasTextRegex = new Regex("^(≥|≤)|\\?$") }).First;
        await Expect(marked).ToHaveAttributeAsync("title", new Regex("Too few samples"));
        await Expect(page.Locator("tbody tr td", new() { HasTextRegex = new Regex("\\(≈[0-9,]+\\)$") }).First).ToBeVisibleAsync();
        Assert.Empty(scriptErrors);
    }
}
