using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kubetrace.Tests.TestSupport;
using Microsoft.Playwright;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>The trace view's tools: find with highlight, the flame graph, the statistics (self time), downloads, the minimap's click, deep links (its zoom: <see cref="TraceZoomUiTests"/>).</summary>
public sealed class TraceViewUiTests(UiServer ui) : IClassFixture<UiServer>
{
    [SkippableFact]
    public async Task Find_highlights_the_spans_carrying_the_text_and_is_kept_in_the_url()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, spans) = await ui.WebhookTraceAsync();
        var webhook = ui.Report.SlowWebhook!.Webhook;
        var expected = spans.Where(s => (s["attributes"]?.AsArray() ?? []).Any(a => a!["value"]!["stringValue"]?.GetValue<string>()?.Contains(webhook) == true)
                                        || s["name"]!.GetValue<string>().Contains(webhook))
            .Select(s => s["spanId"]!.GetValue<string>()).Order().ToList();

        await page.GotoAsync($"/ui/trace/{traceId}");
        await page.GetByLabel("Find in trace").FillAsync(webhook);

        var highlighted = page.Locator(".wf-rows .wf-row.match");
        await Expect(highlighted).ToHaveCountAsync(expected.Count);
        Assert.Equal(expected, (await highlighted.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.spanId)")).Order());
        await Expect(page.Locator(".toolbar").Last).ToContainTextAsync($"{expected.Count} of {spans.Count} spans match");
        await Expect(page).ToHaveURLAsync(new Regex($"find={Regex.Escape(Uri.EscapeDataString(webhook))}"));

        await page.ReloadAsync();
        await Expect(page.Locator(".wf-rows .wf-row.match")).ToHaveCountAsync(expected.Count);
        await UiServer.ScreenshotsAsync(page, "trace-find");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task The_flame_graph_draws_a_box_per_span_and_a_click_selects_it()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, spans) = await ui.WebhookTraceAsync();
        var webhookSpan = spans.First(s => s["name"]!.GetValue<string>() == "Call validating webhook")["spanId"]!.GetValue<string>();

        await page.GotoAsync($"/ui/trace/{traceId}?view=flame");

        var boxes = page.Locator(".flame-graph .flame-box");
        await Expect(boxes).ToHaveCountAsync(spans.Count);
        // The click goes to the box itself: a webhook call is a sliver of the trace, and a click at its coordinates
        // could land on the next box (another call of the same name), seen on one core under load.
        await page.Locator($".flame-box[data-span-id='{webhookSpan}']").DispatchEventAsync("click");
        await Expect(page.Locator(".span-details h2")).ToHaveTextAsync("Call validating webhook");
        await Expect(page).ToHaveURLAsync(new Regex($"span={webhookSpan}&view=flame$"));
        await UiServer.ScreenshotsAsync(page, "trace-flame-graph");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task The_flame_graph_puts_concurrent_siblings_and_their_subtrees_in_rows_of_their_own_so_no_boxes_overlap()
    {
        // A root with calls running at once: a and b overlap (each with a child), c overlaps only b, so it fits beside a.
        var trace = new TraceBuilder(ui.Data.Made.AddMinutes(-2));
        var root = trace.Add("flame-gateway", "GET /checkout", SpanKind.Server, null, 0, 100);
        var a = trace.Add("flame-cart", "load cart", SpanKind.Client, root, 10, 60);
        trace.Add("flame-cart", "query cart", SpanKind.Internal, a, 15, 50);
        var b = trace.Add("flame-payments", "authorize payment", SpanKind.Client, root, 30, 90);
        trace.Add("flame-payments", "call bank", SpanKind.Internal, b, 35, 80);
        var c = trace.Add("flame-mail", "send receipt", SpanKind.Client, root, 70, 95);
        await ui.Server.PostOtlpJsonAsync(TraceBuilder.OtlpJson([trace]), "a trace with concurrent calls");
        var (page, scriptErrors) = await ui.NewPageAsync();

        await page.GotoAsync($"/ui/trace/{Convert.ToHexStringLower(trace.TraceId.ToBytes())}?view=flame");

        var boxes = page.Locator(".flame-graph .flame-box rect");
        await Expect(boxes).ToHaveCountAsync(6);
        foreach (var width in new[] { 1024, 1600 })
        {
            await page.SetViewportSizeAsync(width, 900);
            var rects = await boxes.EvaluateAllAsync<Box[]>("rects => rects.map(r => { const b = r.getBoundingClientRect(); return { x: b.x, y: b.y, width: b.width, height: b.height }; })");
            for (var i = 0; i < rects.Length; i++)
                for (var j = i + 1; j < rects.Length; j++)
                    Assert.False(rects[i].Intersects(rects[j]), $"at {width} px flame boxes {i} and {j} overlap: {rects[i]} and {rects[j]}");
        }
        // Each call is still below its caller, and the call that overlaps no sibling stays in the first row under the root.
        var top = await boxes.EvaluateAllAsync<double[]>("rects => rects.map(r => r.getBoundingClientRect().y)");
        var rowOf = (await page.Locator(".flame-graph .flame-box").EvaluateAllAsync<string[]>("boxes => boxes.map(b => b.dataset.spanId)"))
            .Select((id, i) => (id, top[i])).ToDictionary(x => x.id, x => x.Item2);
        string Id(Kubetrace.Otlp.Proto.Trace.Span span) => Convert.ToHexStringLower(span.SpanId.ToByteArray());
        Assert.True(rowOf[Id(a)] > rowOf[Id(root)] && rowOf[Id(b)] > rowOf[Id(a)], "a below the root, b below a");
        Assert.Equal(rowOf[Id(a)], rowOf[Id(c)]);
        await UiServer.ScreenshotsAsync(page, "trace-flame-graph-concurrent");
        Assert.Empty(scriptErrors);
    }

    /// <summary>A drawn box's place on the page, in CSS pixels.</summary>
    private sealed record Box
    {
        public double X { get; init; }
        public double Y { get; init; }
        public double Width { get; init; }
        public double Height { get; init; }


        // Boxes that only touch (a call ending as the next starts) do not overlap: a fraction of a pixel is allowed.
        public bool Intersects(Box other) =>
            X + Width - 0.5 > other.X && other.X + other.Width - 0.5 > X && Y + Height - 0.5 > other.Y && other.Y + other.Height - 0.5 > Y;
    }

    [SkippableFact]
    public async Task The_statistics_give_self_time_per_service_and_operation_adding_up_to_the_busy_time()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, spans) = await ui.WebhookTraceAsync();

        await page.GotoAsync($"/ui/trace/{traceId}");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Trace views" }).GetByRole(AriaRole.Link, new() { Name = "Statistics" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("view=stats"));
        var rows = page.Locator(".trace-statistics tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();
        var operations = spans.Select(s => (s["name"]!.GetValue<string>())).Distinct().Count();
        Assert.True(await rows.CountAsync() >= operations - 1, "one row per service and operation");
        var counted = await page.Locator(".trace-statistics tbody td:nth-child(3)").AllTextContentsAsync();
        Assert.Equal(spans.Count, counted.Sum(int.Parse));
        // The root's self time is what no child covers: never more than the root's own duration.
        var selfNanos = await page.Locator(".trace-statistics td[data-self-nanos]").EvaluateAllAsync<double[]>("cells => cells.map(c => +c.dataset.selfNanos)");
        Assert.All(selfNanos, n => Assert.True(n >= 0));
        Assert.Equal(selfNanos.OrderDescending(), selfNanos);
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task The_downloads_give_the_trace_as_otlp_json_and_as_jaeger_json()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, spans) = await ui.WebhookTraceAsync();

        await page.GotoAsync($"/ui/trace/{traceId}");
        var otlp = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download OTLP JSON" }).ClickAsync());
        var jaeger = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download Jaeger JSON" }).ClickAsync());

        Assert.Equal($"trace-{traceId}.otlp.json", otlp.SuggestedFilename);
        var otlpSpans = JsonNode.Parse(await File.ReadAllTextAsync((await otlp.PathAsync())!))!["resourceSpans"]!.AsArray()
            .SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray()).Count();
        Assert.Equal(spans.Count, otlpSpans);
        Assert.Equal($"trace-{traceId}.jaeger.json", jaeger.SuggestedFilename);
        var jaegerTrace = JsonNode.Parse(await File.ReadAllTextAsync((await jaeger.PathAsync())!))!["data"]![0]!;
        Assert.Equal(traceId, jaegerTrace["traceID"]!.GetValue<string>());
        Assert.Equal(spans.Count, jaegerTrace["spans"]!.AsArray().Count);
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task The_minimap_selects_the_span_drawn_where_it_is_clicked_and_events_are_ticks_on_the_bars()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, spans) = await ui.WebhookTraceAsync();

        await page.GotoAsync($"/ui/trace/{traceId}");
        var map = page.Locator(".minimap svg");
        var box = (await map.BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height - 1);

        var last = await page.Locator(".wf-rows .wf-row").Last.GetAttributeAsync("data-span-id");
        await Expect(page.Locator(".wf-row.selected")).ToHaveAttributeAsync("data-span-id", last!);
        var events = spans.Sum(s => s["events"]?.AsArray().Count ?? 0);
        await Expect(page.Locator(".wf-event")).ToHaveCountAsync(events);
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task At_1024_px_every_row_of_a_deep_trace_shows_its_name_and_is_indented_right_of_its_parent()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(1024, 768);
        var (traceId, spans) = await ui.WebhookTraceAsync();
        var parents = spans.ToDictionary(s => s["spanId"]!.GetValue<string>(), s => s["parentSpanId"]?.GetValue<string>() ?? "");

        await page.GotoAsync($"/ui/trace/{traceId}");
        await Expect(page.Locator(".wf-rows .wf-row")).ToHaveCountAsync(spans.Count);
        // Per row: its span, where the row starts after its indent (the toggle), and how much of the name is visible
        // inside the name column (the name itself starts after the service, whose width varies).
        var ids = await page.Locator(".wf-rows .wf-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.spanId)");
        var boxes = await page.Locator(".wf-rows .wf-row").EvaluateAllAsync<double[][]>(
            "rows => rows.map(r => { const label = r.querySelector('.wf-label').getBoundingClientRect(); " +
            "const name = r.querySelector('.wf-name').getBoundingClientRect(); " +
            "return [r.querySelector('.wf-toggle').getBoundingClientRect().left, Math.min(name.right, label.right) - name.left]; })");
        var left = ids.Zip(boxes).ToDictionary(r => r.First, r => r.Second[0]);
        var shown = ids.Zip(boxes).ToDictionary(r => r.First, r => r.Second[1]);
        Assert.True(spans.Max(s => depth(s["spanId"]!.GetValue<string>())) >= 6, "the webhook trace is not deep enough to show the rule");

        Assert.All(shown, r => Assert.True(r.Value >= 48, $"span {r.Key} at depth {depth(r.Key)} shows {r.Value:0} px of its name"));
        foreach (var (id, parent) in parents.Where(p => p.Value != "" && left.ContainsKey(p.Value)))
            Assert.True(left[id] > left[parent], $"span {id} at depth {depth(id)} is indented to {left[id]:0}, not right of its parent's {left[parent]:0}");
        await UiServer.ScreenshotsAsync(page, "trace-deep-1024");
        Assert.Empty(scriptErrors);

        int depth(string id) => parents.TryGetValue(id, out var parent) && parent != "" ? 1 + depth(parent) : 0;
    }

    [SkippableFact]
    public async Task At_1024_px_a_span_name_too_long_for_its_column_keeps_its_end_on_screen_cut_in_the_middle()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(1024, 768);
        var (traceId, spans) = await ui.WebhookTraceAsync();

        await page.GotoAsync($"/ui/trace/{traceId}");
        await Expect(page.Locator(".wf-rows .wf-row")).ToHaveCountAsync(spans.Count);
        // Per row: the name, whether its first and last characters are drawn inside the name column, and whether the
        // name was cut (an ellipsis shown): a cut name keeps its start and end (Call v…webhook), as the CLI's tree does.
        var read = await page.Locator(".wf-rows .wf-row").EvaluateAllAsync<string>("""
            rows => JSON.stringify(rows.map(r => {
              const label = r.querySelector('.wf-label').getBoundingClientRect();
              const name = r.querySelector('.wf-name');
              const texts = [];
              const walker = document.createTreeWalker(name, NodeFilter.SHOW_TEXT);
              while (walker.nextNode()) if (walker.currentNode.length) texts.push(walker.currentNode);
              const drawn = (node, at) => {
                const range = document.createRange();
                range.setStart(node, at); range.setEnd(node, at + 1);
                const box = range.getBoundingClientRect();
                // Inside the label and inside every clipping box between the character and the label.
                for (let e = node.parentElement; e && e !== r; e = e.parentElement) {
                  const clip = e.getBoundingClientRect();
                  if (getComputedStyle(e).overflow !== 'visible' && (box.left < clip.left - 0.5 || box.right > clip.right + 0.5)) return false;
                }
                return box.width > 0 && box.right <= label.right + 0.5;
              };
              const last = texts.at(-1);
              return { name: name.title, text: texts.map(t => t.data).join(''),
                       first: drawn(texts[0], 0), last: drawn(last, last.length - 1),
                       cut: [...name.querySelectorAll('*'), name].some(e => e.scrollWidth > e.clientWidth + 0.5) };
            }))
            """);
        var rows = JsonNode.Parse(read)!.AsArray().Select(r => (name: (string)r!["name"]!, text: (string)r["text"]!,
            first: (bool)r["first"]!, last: (bool)r["last"]!, cut: (bool)r["cut"]!)).ToList();

        Assert.Contains(rows, r => r.cut);
        Assert.All(rows, r =>
        {
            Assert.Equal(r.name, r.text);
            Assert.True(r.first && r.last, $"'{r.name}' shows its first character: {r.first}, its last: {r.last}");
        });
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Find_steps_through_the_matches_selecting_each_in_turn_and_wraps_around()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, _) = await ui.WebhookTraceAsync();

        await page.GotoAsync($"/ui/trace/{traceId}");
        await page.GetByLabel("Find in trace").FillAsync("webhook");
        var matches = await page.Locator(".wf-rows .wf-row.match").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.spanId)");
        Assert.True(matches.Length >= 3, $"the webhook trace has {matches.Length} spans about a webhook");
        var selected = page.Locator(".wf-row.selected");

        await page.GetByLabel("Find in trace").PressAsync("Enter");
        await Expect(selected).ToHaveAttributeAsync("data-span-id", matches[0]);
        await Expect(page.Locator(".find-position")).ToHaveTextAsync($"1 of {matches.Length}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next match" }).ClickAsync();
        await Expect(selected).ToHaveAttributeAsync("data-span-id", matches[1]);
        await Expect(page.Locator(".find-position")).ToHaveTextAsync($"2 of {matches.Length}");
        await Expect(page).ToHaveURLAsync(new Regex($"span={matches[1]}"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Previous match" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Previous match" }).ClickAsync();
        await Expect(selected).ToHaveAttributeAsync("data-span-id", matches[^1]);
        await Expect(page.Locator(".find-position")).ToHaveTextAsync($"{matches.Length} of {matches.Length}");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task Collapse_all_and_expand_all_act_on_every_subtree_and_the_collapsed_ones_are_kept_in_the_url()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, spans) = await ui.WebhookTraceAsync();
        var rows = page.Locator(".wf-rows .wf-row");

        await page.GotoAsync($"/ui/trace/{traceId}");
        await Expect(rows).ToHaveCountAsync(spans.Count);
        await page.GetByRole(AriaRole.Button, new() { Name = "Collapse all" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await page.ReloadAsync();
        await Expect(rows).ToHaveCountAsync(1);

        // Opening the root shows its children, each still collapsed.
        var root = await rows.First.GetAttributeAsync("data-span-id");
        var children = spans.Count(s => s["parentSpanId"]?.GetValue<string>() == root);
        await rows.First.Locator("button.wf-toggle").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1 + children);
        await page.ReloadAsync();
        await Expect(rows).ToHaveCountAsync(1 + children);

        await page.GetByRole(AriaRole.Button, new() { Name = "Expand all" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(spans.Count);
        await Expect(page).Not.ToHaveURLAsync(new Regex("collapsed="));
        Assert.Empty(scriptErrors);
    }
}
