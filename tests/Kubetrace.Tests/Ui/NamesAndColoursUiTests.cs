using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// Names read whole and services apart: a pod or node name in an analysis table is one line at 1024 px (never broken
/// at a hyphen or mid-word), and every service of a trace has a colour of its own in the waterfall.
/// </summary>
public sealed class NamesAndColoursUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [SkippableTheory]
    [InlineData("", "Pod")]
    [InlineData("", "Node")]
    [InlineData("&by=node", "Node")]
    [InlineData("&by=image", "Image")]
    public async Task Every_name_in_a_pods_table_is_one_line_at_1024_px(string options, string column)
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(1024, 768);

        await page.GotoAsync($"/ui/analyses/pods?{ui.Data.Query}{options}");
        var headers = page.Locator(".analysis-table thead th");
        await Expect(headers.First).ToBeVisibleAsync();
        var index = (await headers.AllTextContentsAsync()).ToList().IndexOf(column);
        Assert.True(index >= 0, $"no {column} column");

        // Line boxes of each cell's text: one per cell, whatever the name's hyphens and length.
        var lines = await page.Locator($".analysis-table tbody tr td:nth-child({index + 1})").EvaluateAllAsync<int[]>(
            "cells => cells.map(td => { const r = document.createRange(); r.selectNodeContents(td); " +
            "return new Set([...r.getClientRects()].map(rect => Math.round(rect.top))).size; })");
        Assert.NotEmpty(lines);
        Assert.All(lines, count => Assert.Equal(1, count));
        await UiServer.ScreenshotsAsync(page, $"pods-names{options.Replace("&by=", "-")}-{column.ToLowerInvariant()}");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Each_service_of_a_trace_has_its_own_colour()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        // A pod start-up: kubelet, containerd and the apiserver in one trace.
        var traces = (await ui.ApiAsync($"/api/v1/search?service=kubelet&name=syncPod&limit=1&{ui.Data.Query}"))["traces"]!.AsArray();
        Assert.NotEmpty(traces);

        await page.GotoAsync($"/ui/trace/{traces[0]!["traceId"]}");
        var services = page.Locator(".wf-rows .wf-service");
        await Expect(services.First).ToBeVisibleAsync();
        var colours = await services.EvaluateAllAsync<string[][]>("spans => spans.map(s => [s.textContent, getComputedStyle(s).borderLeftColor])");

        var byService = colours.GroupBy(c => c[0]).ToDictionary(g => g.Key, g => g.Select(c => c[1]).Distinct().ToList());
        Assert.True(byService.Count >= 2, $"one service only: {string.Join(", ", byService.Keys)}");
        Assert.All(byService, s => Assert.Single(s.Value)); // a service keeps its colour on every row
        var distinct = byService.Values.Select(v => v[0]).Distinct().Count();
        Assert.True(distinct == byService.Count, $"services share colours: {string.Join(", ", byService.Select(s => $"{s.Key}={s.Value[0]}"))}");
        Assert.Empty(scriptErrors);
    }
}
