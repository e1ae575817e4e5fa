using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>The search results: the duration scatter plot, sorting, whether the limit cut them short, the 7d lookback, choosing two
/// traces to compare, the time zone.</summary>
public sealed class SearchUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [SkippableFact]
    public async Task The_scatter_plot_has_a_dot_per_result_and_the_highest_dot_opens_the_longest_trace()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var found = await ui.ApiAsync("/api/v1/search?service=apiserver&limit=30&lookback=7d");
        var longest = found["traces"]!.AsArray().MaxBy(t => long.Parse(t!["durationNanos"]!.ToString()))!["traceId"]!.GetValue<string>();

        await page.GotoAsync("/ui/search");
        await page.GetByLabel("Service").SelectOptionAsync("apiserver");
        await page.GetByLabel("Lookback").SelectOptionAsync("7d");
        await page.GetByLabel("Limit").FillAsync("30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("lookback=7d"));
        var dots = page.Locator(".scatter circle.dot");
        await Expect(dots).ToHaveCountAsync(30);
        var highest = await dots.EvaluateAllAsync<string>("dots => dots.reduce((a, b) => +b.getAttribute('cy') < +a.getAttribute('cy') ? b : a).dataset.traceId");
        Assert.Equal(longest, highest);
        await UiServer.ScreenshotsAsync(page, "search-scatter");
        await page.Locator($".scatter circle[data-trace-id='{longest}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/ui/trace/{longest}"));
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Results_that_reach_the_limit_say_more_may_match_and_fewer_give_only_their_count()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var durations = (await ui.ApiAsync($"/api/v1/search?{ui.Data.Query}&limit=10000"))["traces"]!.AsArray()
            .Select(t => long.Parse(t!["durationNanos"]!.ToString())).OrderDescending().ToList();
        Assert.True(durations.Count > 5, $"only {durations.Count} traces");

        // An analysis row's search opens without a limit: the API's 20, while the row may rest on thousands.
        await page.GotoAsync($"/ui/search?{ui.Data.Query}&limit=5");
        await Expect(page.Locator(".search-results tbody tr")).ToHaveCountAsync(5);
        await Expect(page.Locator(".results-count")).ToHaveTextAsync("5 traces: the limit; more may match (raise Limit to see them)");

        // The longest few of them, all found within a limit of 10,000.
        var longest = $"{ui.Data.Query}&limit=10000&minDuration={durations[Math.Min(9, durations.Count - 1)] / 1000}us";
        var few = (await ui.ApiAsync($"/api/v1/search?{longest}"))["traces"]!.AsArray().Count;
        await page.GotoAsync($"/ui/search?{longest}");
        await Expect(page.Locator(".search-results tbody tr")).ToHaveCountAsync(few);
        await Expect(page.Locator(".results-count")).ToHaveTextAsync($"{few} traces");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Sorting_by_duration_and_by_spans_orders_the_rows_and_is_part_of_the_url()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();

        await page.GotoAsync($"/ui/search?{ui.Data.Query}&limit=25");
        await page.GetByLabel("Sort by").SelectOptionAsync("duration");
        await Expect(page).ToHaveURLAsync(new Regex("sort=duration$"));
        await Expect(page.Locator(".search-results tbody tr")).ToHaveCountAsync(25);
        var durationOf = (await ui.ApiAsync($"/api/v1/search?{ui.Data.Query}&limit=25"))["traces"]!.AsArray()
            .ToDictionary(t => t!["traceId"]!.GetValue<string>(), t => long.Parse(t!["durationNanos"]!.ToString()));
        var shown = await page.Locator(".search-results tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.traceId)");
        Assert.Equal(durationOf.Values.OrderDescending(), shown.Select(id => durationOf[id]));

        await page.GetByLabel("Sort by").SelectOptionAsync("spans");
        await Expect(page).ToHaveURLAsync(new Regex("sort=spans$"));
        await Expect(page.GetByLabel("Sort by")).ToHaveValueAsync("spans");
        var spans = await page.Locator(".search-results tbody tr td:nth-child(5)").AllTextContentsAsync();
        Assert.Equal(25, spans.Count);
        Assert.Equal(spans.Select(int.Parse).OrderDescending(), spans.Select(int.Parse));
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Two_ticked_results_open_side_by_side_with_the_compare_table()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var found = await ui.ApiAsync($"/api/v1/search?service=apiserver&name=Call%20validating%20webhook&limit=2&{ui.Data.Query}");
        var (a, b) = (found["traces"]![0]!["traceId"]!.GetValue<string>(), found["traces"]![1]!["traceId"]!.GetValue<string>());

        await page.GotoAsync($"/ui/search?service=apiserver&name=Call%20validating%20webhook&limit=2&{ui.Data.Query}");
        var compare = page.GetByRole(AriaRole.Button, new() { Name = "Compare 2 traces" });
        await page.GetByLabel($"Compare {a}").CheckAsync();
        await Expect(compare).ToBeDisabledAsync();
        await page.GetByLabel($"Compare {b}").CheckAsync();
        await compare.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/ui/compare\\?a={a}&b={b}$"));
        await Expect(page.Locator(".compare-side[data-side='A'] .summary")).ToContainTextAsync(a);
        await Expect(page.Locator(".compare-side[data-side='B'] .summary")).ToContainTextAsync(b);
        await Expect(page.Locator(".compare-side[data-side='A'] .wf-row[data-span-id]").First).ToBeVisibleAsync();
        await Expect(page.Locator(".analysis-table tbody")).ToContainTextAsync("Call validating webhook");
        await UiServer.ScreenshotsAsync(page, "compare");
        Assert.Empty(scriptErrors);
    }

    /// <summary>A side's title is its root span's name, an apiserver request's a long path with no space: it ran out
    /// of its half, and B's out of the page, at 1024 px.</summary>
    [SkippableFact]
    public async Task At_1024_px_each_compare_title_stays_within_its_half()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(1024, 768);
        var found = (await ui.ApiAsync($"/api/v1/search?service=apiserver&limit=200&{ui.Data.Query}"))["traces"]!.AsArray()
            .OrderByDescending(t => t!["rootName"]!.GetValue<string>().Length).Take(2).Select(t => t!["traceId"]!.GetValue<string>()).ToList();
        Assert.Equal(2, found.Count);

        await page.GotoAsync($"/ui/compare?a={found[0]}&b={found[1]}");
        await Expect(page.Locator(".compare-side h2")).ToHaveCountAsync(2);
        var overflows = await page.Locator(".compare-side").EvaluateAllAsync<string[]>(
            "sides => sides.filter(s => s.querySelector('h2').getBoundingClientRect().right > s.getBoundingClientRect().right + 0.5 " +
            "|| s.querySelector('h2').scrollWidth > s.querySelector('h2').clientWidth).map(s => s.querySelector('h2').textContent)");
        Assert.Empty(overflows);
        await UiServer.ScreenshotsAsync(page, "compare-long-titles");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task The_tags_field_suggests_stored_attribute_keys_then_the_keys_values()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var webhook = ui.Report.SlowWebhook!.Webhook;

        await page.GotoAsync("/ui/search");
        var tags = page.GetByLabel("Tags");
        await tags.FillAsync("resource=pods webh");
        await Expect(page.Locator("#tag-suggestions option[value='resource=pods webhook=']")).ToHaveCountAsync(1);

        await tags.FillAsync("resource=pods webhook=");
        await Expect(page.Locator($"#tag-suggestions option[value='resource=pods webhook={webhook}']")).ToHaveCountAsync(1);
        Assert.Empty(scriptErrors);
    }

    [SkippableTheory]
    [InlineData("Namespace", "k8s.namespace.name")]
    [InlineData("Pod", "k8s.pod.name")]
    public async Task The_namespace_and_pod_fields_suggest_the_stored_values(string field, string key)
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var stored = (await ui.ApiAsync($"/api/v1/attributes/{key}/values?scope=any"))["values"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        var wanted = stored[stored.Count / 2];
        var prefix = wanted[..Math.Max(1, wanted.Length - 3)];

        await page.GotoAsync("/ui/search");
        var input = page.GetByLabel(field, new() { Exact = true });
        await input.FillAsync(prefix);

        await Expect(input).ToHaveAttributeAsync("list", new Regex(".+"));
        var list = await input.GetAttributeAsync("list");
        await Expect(page.Locator($"#{list} option")).ToHaveCountAsync(stored.Count(v => v.StartsWith(prefix, StringComparison.Ordinal)));
        await Expect(page.Locator($"#{list} option[value='{wanted}']")).ToHaveCountAsync(1);
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Times_say_their_zone_and_the_header_switches_between_utc_and_the_browsers_zone()
    {
        // A browser in New York, so that its zone is not UTC.
        var (page, scriptErrors) = await ui.NewPageAsync("America/New_York");

        await page.GotoAsync($"/ui/search?limit=1&{ui.Data.Query}");
        var start = page.Locator(".search-results tbody td.nowrap").First;
        await Expect(start).ToHaveTextAsync(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Times: UTC" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Times: local" })).ToBeVisibleAsync();
        await Expect(start).Not.ToHaveTextAsync(new Regex("UTC$"));
        await Expect(page.Locator(".search-results tbody td.nowrap").First).ToHaveTextAsync(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} E[SD]T$"));
        Assert.Empty(scriptErrors);
    }
}
