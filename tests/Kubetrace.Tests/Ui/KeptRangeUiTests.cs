using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// A page opened over an explicit range (start/end: an analysis row's search links, a range the API answered) keeps
/// it when its form is sent again, until the user picks another range: refining a row's "all" search keeps the row's
/// range instead of swapping it for a look-back from now.
/// </summary>
public sealed class KeptRangeUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [SkippableFact]
    public async Task The_search_form_keeps_the_range_it_was_opened_with_until_another_lookback_is_chosen()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.GotoAsync($"/ui/search?service=apiserver&{ui.Data.Query}");

        await page.GetByLabel("Min duration").FillAsync("1ms");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("minDuration=1ms"));
        Assert.Contains(ui.Data.Query, page.Url);
        Assert.DoesNotContain("lookback", page.Url);

        await page.GetByLabel("Lookback").SelectOptionAsync("15m");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("lookback=15m"));
        Assert.DoesNotContain("start=", page.Url);
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task The_analysis_form_keeps_the_range_it_was_opened_with_until_a_since_is_entered()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.GotoAsync($"/ui/analyses/webhooks?{ui.Data.Query}");

        await page.GetByLabel("Sampling rate per million").FillAsync("100");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("sampling-rate-per-million=100"));
        Assert.Contains(ui.Data.Query, page.Url);
        Assert.DoesNotContain("since", page.Url);

        await page.GetByLabel("Since").FillAsync("15m");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("since=15m"));
        Assert.DoesNotContain("start=", page.Url);
        Assert.Empty(scriptErrors);
    }
}
