using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// The search page's TraceQL box: completions from the attributes API (scopes, then a scope's attribute names,
/// then an attribute's stored values), the picked query finding the traces the API finds for it, and a query
/// the API refuses shown with its line and column.
/// </summary>
public sealed class TraceQlSearchUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [SkippableFact]
    public async Task Typing_a_query_and_picking_completions_finds_the_traces_the_API_finds()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.GotoAsync("/ui/search");
        var box = page.GetByRole(AriaRole.Combobox, new() { Name = "TraceQL" });
        var options = page.GetByRole(AriaRole.Option);

        await box.PressSequentiallyAsync("{ res");
        await options.GetByText("resource.", new() { Exact = true }).ClickAsync();
        await Expect(box).ToHaveValueAsync("{ resource.");
        await box.PressSequentiallyAsync("service.n");
        await options.GetByText("resource.service.name", new() { Exact = true }).ClickAsync();
        await box.PressSequentiallyAsync(" = ");
        await options.GetByText("\"apiserver\"", new() { Exact = true }).ClickAsync();
        await box.PressSequentiallyAsync(" && kind = ser");
        await box.PressAsync("ArrowDown");
        await box.PressAsync("Enter");
        await box.PressSequentiallyAsync(" }");
        const string query = "{ resource.service.name = \"apiserver\" && kind = server }";
        await Expect(box).ToHaveValueAsync(query);
        await page.GetByLabel("Lookback").SelectOptionAsync("7d");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("[?&]q=%7B"));
        var expected = (await ui.ApiAsync($"/api/v1/search?q={Uri.EscapeDataString(query)}&lookback=7d&limit=20"))["traces"]!.AsArray()
            .Select(t => t!["traceId"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(expected);
        var rows = page.Locator(".search-results tbody tr");
        await Expect(rows).ToHaveCountAsync(expected.Count);
        Assert.Equal(expected, await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.traceId)"));
        await UiServer.ScreenshotsAsync(page, "search-traceql");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task A_refused_query_shows_the_APIs_message_and_where_it_went_wrong()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.GotoAsync("/ui/search");
        await page.GetByRole(AriaRole.Combobox, new() { Name = "TraceQL" }).FillAsync("{ duration > fast }");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("line 1, col 14");
        await Expect(page.GetByLabel("TraceQL error position")).ToHaveTextAsync("{ duration > fast }\n             ^ line 1, column 14");
        Assert.DoesNotContain(scriptErrors, e => !e.Contains("400"));
    }

    [SkippableFact]
    public async Task TraceQL_with_other_conditions_is_refused_before_it_is_sent()
    {
        var (page, _) = await ui.NewPageAsync();
        await page.GotoAsync("/ui/search");
        await page.GetByRole(AriaRole.Combobox, new() { Name = "TraceQL" }).FillAsync("{ }");
        await page.GetByLabel("Min duration").FillAsync("1s");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("clear minDuration or the TraceQL box");
        await Expect(page).ToHaveURLAsync(new Regex("/ui/search$"));
    }
}
