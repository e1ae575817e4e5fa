using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>The service graph page: link edges drawn apart with a legend, and RED details for services and edges.</summary>
public sealed class ServiceGraphUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [SkippableFact]
    public async Task Kubelet_calls_recorded_as_links_are_a_dashed_edge_whose_details_give_rate_errors_and_p99()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var linkEdge = await KubeletLinkEdgeAsync();
        var since = ui.Data.Since;

        await page.GotoAsync($"/ui/graph?since={since}");
        var edge = page.Locator(".graph-edge.link[data-key='kubelet>apiserver']");
        await Expect(edge).ToBeVisibleAsync();
        Assert.Equal("6 4", await edge.Locator("path").EvaluateAsync<string>("p => getComputedStyle(p).strokeDasharray.replaceAll('px', '').replaceAll(',', '')"));
        await Expect(page.Locator(".graph-legend")).ToContainTextAsync("link (the callee's trace links the caller's span)");
        await Expect(edge.Locator("text")).ToContainTextAsync($"{linkEdge["calls"]} linked calls");

        await edge.ClickAsync(new() { Force = true });
        await Expect(page).ToHaveURLAsync(new Regex($"/ui/graph\\?since={since}&select=kubelet%3Eapiserver$"));
        var details = page.Locator(".graph-details");
        await Expect(details.Locator("h2")).ToHaveTextAsync("kubelet → apiserver");
        await Expect(details).ToContainTextAsync("via link");
        await Expect(details.Locator("tr", new() { HasTextString = "request rate" })).ToContainTextAsync("/s");
        await Expect(details.Locator("tr", new() { HasTextString = "p99" })).ToBeVisibleAsync();

        await page.Locator(".graph-node[data-service='apiserver']").ClickAsync();
        await Expect(details.Locator("h2")).ToHaveTextAsync("apiserver");
        await Expect(details.Locator("tr", new() { HasTextString = "error rate" })).ToContainTextAsync("%");
        await Expect(details.Locator("tbody tr").First).ToBeVisibleAsync();

        // The selection is a deep link: reloading shows the same details.
        await page.ReloadAsync();
        await Expect(page.Locator(".graph-details h2")).ToHaveTextAsync("apiserver");
        await UiServer.ScreenshotsAsync(page, "service-graph");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task A_link_edges_details_link_its_example_traces_and_count_its_watches_apart_from_the_p99()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var linkEdge = await KubeletLinkEdgeAsync();
        var slowest = linkEdge["examples"]!["slowest"]!;

        await page.GotoAsync($"/ui/graph?since={ui.Data.Since}&select=kubelet%3Eapiserver");
        var details = page.Locator(".graph-details");
        await Expect(details.Locator("h2")).ToHaveTextAsync("kubelet → apiserver");
        var link = details.Locator(".edge-examples a", new() { HasTextString = "slowest" });
        await Expect(link).ToHaveAttributeAsync("href", $"/ui/trace/{slowest["traceId"]}?span={slowest["spanId"]}");
        await Expect(details.Locator(".edge-examples a", new() { HasTextString = "typical" })).ToBeVisibleAsync();
        var watches = linkEdge["watches"]!.GetValue<long>();
        await Expect(details.Locator("tr", new() { HasTextString = "watch streams" }))
            .ToContainTextAsync(watches == 0 ? "0" : $"{watches.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} (in calls, left out of the percentiles");
        await Expect(page.Locator(".graph-legend")).ToContainTextAsync("p50/p99 leave out watch streams");

        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/ui/trace/{slowest["traceId"]}"));
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task A_call_edges_row_and_details_link_all_its_calls_over_the_pages_range_and_a_link_edge_neither()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var answer = await OpenAsync("");
        var edges = answer["data"]!["edges"]!.AsArray().Select(e => (Parent: e!["parent"]!.GetValue<string>(), Child: e["child"]!.GetValue<string>(), Kind: e["kind"]!.GetValue<string>())).ToList();
        var call = edges.FindIndex(e => e.Kind == "call" && e.Parent != e.Child && e.Parent is not ("" or "unknown_service"));
        var link = edges.FindIndex(e => e.Kind == "link");
        Assert.True(call >= 0 && link >= 0, $"edges: {string.Join(", ", edges)}");
        var (caller, callee, _) = edges[call];
        var rows = page.Locator(".analysis-table tbody tr");
        await Expect(rows.Nth(link).GetByRole(AriaRole.Link, new() { Name = "slowest" })).ToBeVisibleAsync();
        await Expect(rows.Nth(link).GetByRole(AriaRole.Link, new() { Name = "all", Exact = true })).ToHaveCountAsync(0);
        await AssertOpensEdgeSearchAsync(rows.Nth(call).GetByRole(AriaRole.Link, new() { Name = "all", Exact = true }), answer);

        answer = await OpenAsync($"&select={Uri.EscapeDataString($"{caller}>{callee}")}");
        var details = page.Locator(".graph-details .edge-details", new() { HasTextString = "via call" });
        await AssertOpensEdgeSearchAsync(details.Locator(".edge-examples").GetByRole(AriaRole.Link, new() { Name = "all", Exact = true }), answer);

        var (linkCaller, linkCallee, _) = edges[link];
        await OpenAsync($"&select={Uri.EscapeDataString($"{linkCaller}>{linkCallee}")}");
        var linkDetails = page.Locator(".graph-details .edge-details", new() { HasTextString = "via link" });
        await Expect(linkDetails.Locator(".edge-examples").GetByRole(AriaRole.Link, new() { Name = "slowest" })).ToBeVisibleAsync();
        await Expect(linkDetails.GetByRole(AriaRole.Link, new() { Name = "all", Exact = true })).ToHaveCountAsync(0);
        Assert.Empty(scriptErrors);

        // The graph page over the fixture's data, and the answer it drew: its range (a since, from the server's clock) and its edges.
        async Task<JsonNode> OpenAsync(string select)
        {
            var response = await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"/ui/graph?since={ui.Data.Since}{select}"),
                r => r.Url.Contains("/api/v1/analyze/graph"));
            return JsonNode.Parse(await response.TextAsync())!;
        }

        async Task AssertOpensEdgeSearchAsync(ILocator all, JsonNode drawn)
        {
            await all.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/ui/search\\?"));
            var query = HttpUtility.ParseQueryString(new Uri(page.Url).Query);
            Assert.Equal($"{{ resource.service.name = \"{caller}\" }} > {{ resource.service.name = \"{callee}\" }}", query["q"]);
            Assert.Equal(drawn["start"]!.ToString(), query["start"]);
            Assert.Equal(drawn["end"]!.ToString(), query["end"]);
            await Expect(page.Locator(".search-results tbody tr").First).ToBeVisibleAsync();
        }
    }

    /// <summary>The kubelet → apiserver link edge as the graph API gives it.</summary>
    private async Task<System.Text.Json.Nodes.JsonNode> KubeletLinkEdgeAsync() =>
        (await ui.ApiAsync($"/api/v1/analyze/graph?{ui.Data.Query}"))["data"]!["edges"]!.AsArray()
            .Single(e => e!["kind"]!.GetValue<string>() == "link" && e["parent"]!.GetValue<string>() == "kubelet" && e["child"]!.GetValue<string>() == "apiserver")!;

    [SkippableFact]
    public async Task Edge_labels_write_their_p99_as_the_tables_and_the_cli_do()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var edges = (await ui.ApiAsync($"/api/v1/analyze/graph?{ui.Data.Query}"))["data"]!["edges"]!.AsArray();
        await page.GotoAsync($"/ui/graph?since={ui.Data.Since}");
        foreach (var e in edges)
        {
            var p99 = Kubetrace.Cli.Query.HumanText.Duration(e!["p99Nanos"]!.GetValue<long>());
            await Expect(page.Locator($".graph-edge.{e["kind"]}[data-key='{e["parent"]}>{e["child"]}'] > text")).ToHaveTextAsync(new Regex($", p99 {Regex.Escape(p99)}( \\([0-9,]+ watches apart\\))?$"));
        }
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Edge_labels_write_their_calls_with_thousands_separators()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var edges = (await ui.ApiAsync($"/api/v1/analyze/graph?{ui.Data.Query}"))["data"]!["edges"]!.AsArray();
        await page.GotoAsync($"/ui/graph?since={ui.Data.Since}");
        // This cluster's edges carry fewer than 1,000 calls: the page's own count formatting shows a demo's 19,760.
        Assert.Equal("19,760 calls", await page.EvaluateAsync<string>("async () => `${(await import('/ui/assets/format.js')).count(19760)} calls`"));
        foreach (var e in edges)
        {
            var key = $"{e!["parent"]}>{e["child"]}";
            var calls = e["calls"]!.GetValue<long>().ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            await Expect(page.Locator($".graph-edge.{e["kind"]}[data-key='{key}'] > text")).ToHaveTextAsync(new Regex($"^{calls} (linked )?calls"));
        }
        Assert.Empty(scriptErrors);
    }

    [SkippableTheory]
    [InlineData(1600)]
    [InlineData(1024)]
    public async Task No_edge_label_covers_another_label_or_a_service_and_an_edge_crosses_a_label_only_where_it_has_no_other_place(int width)
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(width, 900);
        await page.GotoAsync($"/ui/graph?since={ui.Data.Since}");
        await Expect(page.Locator(".graph-edge text").First).ToBeVisibleAsync();

        var drawn = await ServiceGraphDrawing.DrawnAsync(page);
        var overlaps = ServiceGraphDrawing.LabelsCovering(drawn[1..]);
        Assert.True(overlaps.Count == 0, string.Join("\n", overlaps));
        // Labels go where no other edge crosses them when their curve has such a place; where it has none (two curves
        // crossing mid-way between close services), the label's halo in the picture's colour keeps the line off its letters.
        var crossed = ServiceGraphDrawing.LabelsCrossed(drawn[1..]);
        var haloed = await page.Locator(".graph-edge > text").EvaluateAllAsync<bool[]>(
            "texts => texts.map(t => getComputedStyle(t).paintOrder.startsWith('stroke') && getComputedStyle(t).stroke === getComputedStyle(t.closest('svg')).backgroundColor && parseFloat(getComputedStyle(t).strokeWidth) >= 2)");
        Assert.True(crossed.Count == 0 || haloed.All(h => h), "labels crossed by other edges, drawn without a halo:\n" + string.Join("\n", crossed));
        Assert.True(crossed.Count <= 1, "crossed labels that had a free place:\n" + string.Join("\n", crossed));
        await UiServer.ScreenshotsAsync(page, $"service-graph-labels-{width}");
        Assert.Empty(scriptErrors);
    }
}
