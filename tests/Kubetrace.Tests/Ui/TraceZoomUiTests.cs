using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// The trace view's zoom: a drag across the minimap zooms the waterfall and the flame graph to that part of the trace,
/// kept in the URL (zoom=from-to); a drag that covers no part of the trace, or a zoom= that names none, zooms nothing.
/// </summary>
public sealed class TraceZoomUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [SkippableFact]
    public async Task Dragging_across_the_minimap_zooms_the_timeline_to_that_part_of_the_trace_and_the_url_keeps_it()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, spans) = await ui.WebhookTraceAsync();
        var early = EarlySpan(spans);

        await page.GotoAsync($"/ui/trace/{traceId}");
        var firstTick = page.Locator(".wf-header .wf-tick").First;
        await Expect(firstTick).ToHaveTextAsync("0ns");
        var box = (await page.Locator(".minimap svg").BoundingBoxAsync())!;
        await DragAsync(page, box.X + box.Width / 2, box.X + box.Width - 1, box.Y + box.Height / 2);

        await Expect(page).ToHaveURLAsync(new Regex("zoom=0\\.5"));
        await Expect(firstTick).Not.ToHaveTextAsync("0ns");
        var zoomedTick = await firstTick.TextContentAsync();
        await Expect(page.Locator($".wf-row[data-span-id='{early}'] .wf-bar")).ToBeHiddenAsync();
        // The root lasts the whole trace: its bar fills the zoomed timeline.
        var (bar, timeline) = (await page.Locator(".wf-rows .wf-row").First.Locator(".wf-bar").BoundingBoxAsync(),
            await page.Locator(".wf-rows .wf-row").First.Locator(".wf-timeline").BoundingBoxAsync());
        Assert.InRange(bar!.X, timeline!.X - 1, timeline.X + 1);
        Assert.InRange(bar.X + bar.Width, timeline.X + timeline.Width - 2, timeline.X + timeline.Width + 1);

        await page.ReloadAsync();
        await Expect(firstTick).ToHaveTextAsync(zoomedTick!);
        await Expect(page.Locator($".wf-row[data-span-id='{early}'] .wf-bar")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset zoom" }).ClickAsync();
        await Expect(firstTick).ToHaveTextAsync("0ns");
        await Expect(page.Locator($".wf-row[data-span-id='{early}'] .wf-bar")).ToBeVisibleAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("zoom="));
        Assert.Empty(scriptErrors);
    }

    [SkippableTheory]
    [InlineData("right")]
    [InlineData("left")]
    public async Task A_drag_from_the_minimaps_edge_out_of_the_map_covers_no_part_of_the_trace_and_zooms_nothing(string edge)
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, _) = await ui.WebhookTraceAsync();

        await page.GotoAsync($"/ui/trace/{traceId}");
        var firstTick = page.Locator(".wf-header .wf-tick").First;
        await Expect(firstTick).ToHaveTextAsync("0ns");
        // The map's frame, beside the drawing: a pointer there reads as the trace's very end (or start), and so does
        // every point outside the map the drag goes on to.
        var map = (await page.Locator(".minimap").BoundingBoxAsync())!;
        var (from, to) = edge == "right" ? (map.X + map.Width - 1, map.X + map.Width + 40) : (map.X + 1, map.X - 15);
        await DragAsync(page, from, to, map.Y + map.Height / 2);

        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reset zoom" })).ToBeHiddenAsync();
        await Expect(firstTick).ToHaveTextAsync("0ns");
        await Expect(page.Locator(".minimap-zoom")).ToHaveAttributeAsync("width", "0");
        await Expect(page).Not.ToHaveURLAsync(new Regex("zoom="));
        Assert.Empty(scriptErrors);
    }

    [SkippableTheory]
    [InlineData("0.5-0.5")]
    [InlineData("0.75-0.25")]
    [InlineData("0.5-1.5")]
    [InlineData("-0.5-0.5")]
    [InlineData("-0.5")]
    [InlineData("0.25-0.5-0.75")]
    public async Task A_zoom_in_the_url_that_names_no_part_of_the_trace_is_ignored(string zoom)
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, spans) = await ui.WebhookTraceAsync();

        await page.GotoAsync($"/ui/trace/{traceId}?zoom={Uri.EscapeDataString(zoom)}");

        await Expect(page.Locator(".wf-header .wf-tick").First).ToHaveTextAsync("0ns");
        await Expect(page.Locator(".wf-rows .wf-bar")).ToHaveCountAsync(spans.Count);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reset zoom" })).ToBeHiddenAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("zoom="));
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task The_flame_graph_draws_the_zoomed_part_of_the_trace_and_reset_zoom_draws_it_all_again()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, spans) = await ui.WebhookTraceAsync();
        var early = EarlySpan(spans);
        var root = RootSpan(spans)["spanId"]!.GetValue<string>();
        var (start, end) = (spans.Min(s => s.Nanos("startTimeUnixNano")), spans.Max(s => s.Nanos("endTimeUnixNano")));
        var middle = start + (end - start) / 2;
        var boxes = page.Locator(".flame-graph .flame-box");

        await page.GotoAsync($"/ui/trace/{traceId}?view=flame&zoom=0.5-1");
        await Expect(boxes.First).ToBeVisibleAsync();
        // The spans drawn are those running in the trace's second half (a microsecond either side of its middle is
        // left to rounding), and the root, lasting the whole trace, fills the graph's width.
        var drawn = (await boxes.EvaluateAllAsync<string[]>("boxes => boxes.map(b => b.dataset.spanId)")).ToHashSet();
        Assert.DoesNotContain(early, drawn);
        Assert.All(spans.Where(s => drawn.Contains(s["spanId"]!.GetValue<string>())), s => Assert.True(s.Nanos("endTimeUnixNano") + 1000 >= middle));
        Assert.All(spans.Where(s => s.Nanos("endTimeUnixNano") > middle + 1000), s => Assert.Contains(s["spanId"]!.GetValue<string>(), drawn));
        var graph = (await page.Locator(".flame-graph svg").BoundingBoxAsync())!;
        var rootBox = (await page.Locator($".flame-box[data-span-id='{root}'] rect").BoundingBoxAsync())!;
        // (The root is selected: its outline, drawn astride its edges, takes a pixel either side.)
        Assert.True(Math.Abs(rootBox.X - graph.X) <= 2 && Math.Abs(rootBox.X + rootBox.Width - graph.X - graph.Width) <= 2,
            $"the root is drawn from {rootBox.X:0} to {rootBox.X + rootBox.Width:0} px on a graph from {graph.X:0} to {graph.X + graph.Width:0} px");
        await UiServer.ScreenshotsAsync(page, "trace-flame-graph-zoomed");

        await page.GetByRole(AriaRole.Button, new() { Name = "Reset zoom" }).ClickAsync();
        await Expect(boxes).ToHaveCountAsync(spans.Count);
        await Expect(page).Not.ToHaveURLAsync(new Regex("zoom="));

        // A drag on the minimap zooms the flame graph it is above.
        var map = (await page.Locator(".minimap svg").BoundingBoxAsync())!;
        await DragAsync(page, map.X + map.Width / 2, map.X + map.Width - 1, map.Y + map.Height / 2);
        await Expect(page).ToHaveURLAsync(new Regex("zoom=0\\.5"));
        await Expect(page.Locator($".flame-box[data-span-id='{early}']")).ToHaveCountAsync(0);
        Assert.Empty(scriptErrors);
    }

    /// <summary>A mouse drag from one x to another along the line y, in steps, as a reader's hand moves.</summary>
    private static async Task DragAsync(IPage page, float fromX, float toX, float y)
    {
        await page.Mouse.MoveAsync(fromX, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((fromX + toX) / 2, y, new() { Steps = 5 });
        await page.Mouse.MoveAsync(toX, y, new() { Steps = 5 });
        await page.Mouse.UpAsync();
    }

    private static JsonNode RootSpan(List<JsonNode> spans) => spans.Single(s => string.IsNullOrEmpty(s["parentSpanId"]?.GetValue<string>()));

    /// <summary>A span over before the first third of the trace: out of a zoom on its second half.</summary>
    private static string EarlySpan(List<JsonNode> spans)
    {
        var root = RootSpan(spans);
        var (rootStart, rootEnd) = (root.Nanos("startTimeUnixNano"), root.Nanos("endTimeUnixNano"));
        return spans.First(s => s.Nanos("endTimeUnixNano") < rootStart + (rootEnd - rootStart) / 3)["spanId"]!.GetValue<string>();
    }
}
