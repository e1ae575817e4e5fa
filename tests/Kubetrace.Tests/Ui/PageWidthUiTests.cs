using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// What a page shows fits the window it is read in: at 1024 px every analysis row's example links are on screen
/// without scrolling sideways, whatever the width of the names in the row; an object's timeline fits at 1440 and
/// 1024 px (its table beside its lanes where both fit, at 1600 px, below them at 1024), its times on one line each,
/// no word of its cells broken at 1600 and 1024 px, and its operations keeping their depth's indent on every line.
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

        await page.GotoAsync($"/ui/analyses/{analysis}?{ui.Data.Query}{options}");
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

    /// <summary>
    /// The pods tables (by pod, node and image) fit a 1024 px window, each row one line high or two at most: their
    /// names on one line, cut in the middle when long, and the columns the analysis names in dropFirst giving way
    /// first. At 1024 px the pods table ran past the page's right edge with rows about 250 px tall.
    /// </summary>
    [SkippableTheory]
    [InlineData("")]
    [InlineData("&by=node")]
    [InlineData("&by=image")]
    public async Task At_1024_px_a_pods_table_fits_the_page_with_rows_of_one_or_two_lines(string options)
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(1024, 768);

        await page.GotoAsync($"/ui/analyses/pods?{ui.Data.Query}{options}");
        await Expect(page.Locator(".analysis-table tbody tr").First).ToBeVisibleAsync();
        // The table is fitted to its box as it is laid out, before it is painted: read it once it has been.
        await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");

        var widths = await page.EvaluateAsync<double[]>(PageAndTableWidths);
        Assert.True(widths[0] <= widths[1], $"the page is {widths[0]} px wide in a {widths[1]} px window: {await ColumnsAsync(page)}");
        Assert.True(widths[2] <= widths[3], $"the table is {widths[2]} px wide in its {widths[3]} px box: {await ColumnsAsync(page)}");
        // A row's height against two lines of its text (an example link's box is one line) and the cells' padding.
        var tall = await page.Locator(".analysis-table tbody tr").EvaluateAllAsync<string[]>(
            "rows => rows.map(tr => { const line = tr.querySelector('.example-link').getBoundingClientRect().height; " +
            "const td = tr.cells[0], style = getComputedStyle(td); const most = 2 * line + parseFloat(style.paddingTop) + parseFloat(style.paddingBottom) + 2; " +
            "const height = tr.getBoundingClientRect().height; " +
            "return height <= most ? null : `'${tr.cells[1].textContent}' is ${Math.round(height)} px high (two lines: ${Math.round(most)})`; }).filter(Boolean)");
        Assert.True(tall.Length == 0, $"rows taller than two lines: {string.Join("; ", tall.Take(5))}; columns: {await ColumnsAsync(page)}");
        await UiServer.ScreenshotsAsync(page, $"pods-table-fits{options.Replace("&by=", "-")}");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task At_1440_px_an_object_timeline_has_its_times_on_one_line()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(1440, 900);
        var (url, table) = await ObjectTimelineAsync();
        var columns = table["columns"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();

        await page.GotoAsync(url);
        var rows = page.Locator(".analysis-table tbody tr");
        await Expect(rows).ToHaveCountAsync(table["rows"]!.AsArray().Count);

        var times = await page.Locator($".analysis-table tbody td:nth-child({columns.IndexOf("Time (UTC)") + 1})").EvaluateAllAsync<double[][]>($"cells => cells.map({LineStarts})");
        Assert.All(times, lines => Assert.Single(lines));
        await UiServer.ScreenshotsAsync(page, "object-timeline");
        Assert.Empty(scriptErrors);
    }

    [SkippableTheory]
    [InlineData(1600)]
    [InlineData(1440)]
    [InlineData(1024)]
    public async Task An_object_timeline_fits_the_page_without_scrolling_sideways(int width)
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(width, 900);
        await page.GotoAsync((await ObjectTimelineAsync()).Url);
        await Expect(page.Locator(".analysis-table tbody tr").First).ToBeVisibleAsync();

        // The page's width against the window's, and the table's against the box it would scroll in.
        var widths = await page.EvaluateAsync<double[]>(PageAndTableWidths);
        Assert.True(widths[0] <= widths[1], $"at {width} px the page is {widths[0]} px wide in a {widths[1]} px window");
        Assert.True(widths[2] <= widths[3], $"at {width} px the timeline's table is {widths[2]} px wide in its {widths[3]} px box: {await ColumnsAsync(page)}");
        Assert.Empty(scriptErrors);
    }

    [SkippableTheory]
    [InlineData(1600, true)]
    [InlineData(1024, false)]
    public async Task An_object_timelines_table_stands_beside_its_lanes_in_a_wide_window_and_below_them_in_a_narrow_one(int width, bool beside)
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(width, 900);
        await page.GotoAsync((await ObjectTimelineAsync()).Url);
        await Expect(page.Locator(".analysis-table tbody tr").First).ToBeVisibleAsync();

        var lanes = (await page.Locator(".object-lanes").BoundingBoxAsync())!;
        var table = (await page.Locator(".analysis-table").BoundingBoxAsync())!;
        if (beside)
        {
            Assert.True(table.X >= lanes.X + lanes.Width, $"at {width} px the table starts at {table.X:0} px, left of the lanes' right edge at {lanes.X + lanes.Width:0}");
            Assert.True(table.Y < lanes.Y + lanes.Height, $"at {width} px the table starts at {table.Y:0} px, below the lanes ending at {lanes.Y + lanes.Height:0}");
        }
        else Assert.True(table.Y >= lanes.Y + lanes.Height, $"at {width} px the table starts at {table.Y:0} px, beside the lanes ending at {lanes.Y + lanes.Height:0}");
        // Each lane keeps its label readable, whatever room the lanes are given.
        var labels = await page.Locator(".object-lanes .lane-label").EvaluateAllAsync<double[]>("labels => labels.map(l => l.getBoundingClientRect().height)");
        Assert.All(labels, height => Assert.True(height >= 10, $"at {width} px a lane's label is {height:0.0} px high"));
        // A bar still opens its trace at the span.
        var bar = page.Locator(".object-lanes .lane-bar").First;
        var (traceId, spanId) = (await bar.GetAttributeAsync("data-trace-id"), await bar.GetAttributeAsync("data-span-id"));
        await bar.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/ui/trace/{traceId}\\?span={spanId}$"));
        Assert.Empty(scriptErrors);
    }

    [SkippableTheory]
    [InlineData(1600)]
    [InlineData(1024)]
    public async Task An_object_timelines_cells_break_no_word(int width)
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(width, 900);
        await page.GotoAsync((await ObjectTimelineAsync()).Url);
        await Expect(page.Locator(".analysis-table tbody tr").First).ToBeVisibleAsync();

        // Every word of every cell on one line: a line may end between words and after a dot, slash or hyphen (a path's parts).
        var broken = await page.Locator(".analysis-table tbody td").EvaluateAllAsync<string[]>(BrokenWords);
        Assert.True(broken.Length == 0, $"at {width} px words broken across lines: {string.Join("; ", broken.Take(8))}; columns: {await ColumnsAsync(page)}; longest words: {await LongestWordsAsync(page)}");
        await UiServer.ScreenshotsAsync(page, "object-timeline-words");
        Assert.Empty(scriptErrors);
    }

    /// <summary>Each column's longest word and its width, for a failure's message.</summary>
    private static Task<string> LongestWordsAsync(IPage page) => page.EvaluateAsync<string>(
        "() => [...document.querySelectorAll('.analysis-table th')].map((th, c) => { let best = ['', 0]; " +
        "for (const td of document.querySelectorAll(`.analysis-table tbody td:nth-child(${c + 1})`)) { const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT); " +
        "for (let node; (node = walker.nextNode());) for (const word of node.textContent.matchAll(/[^\\s.\\/-]+/g)) { const range = document.createRange(); " +
        "range.setStart(node, word.index); range.setEnd(node, word.index + word[0].length); const w = [...range.getClientRects()].reduce((a, r) => a + r.width, 0); " +
        "if (w > best[1]) best = [word[0], w]; } } return `${th.textContent} '${best[0]}' ${Math.round(best[1])} px`; }).join(', ')");

    /// <summary>
    /// The words of the cells that lie on more than one line: each run of characters in a text node up to a space,
    /// dot, slash or hyphen, the lines told apart by the tops of its boxes. Returns "column: word (n lines)".
    /// </summary>
    private const string BrokenWords = "cells => cells.flatMap(td => { const found = []; const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT); " +
        "for (let node; (node = walker.nextNode());) for (const word of node.textContent.matchAll(/[^\\s.\\/-]+/g)) { " +
        "const range = document.createRange(); range.setStart(node, word.index); range.setEnd(node, word.index + word[0].length); " +
        "const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))); " +
        "if (tops.size > 1) found.push(`${td.closest('table').querySelectorAll('th')[td.cellIndex].textContent}: ${word[0]} (${tops.size} lines)`); } " +
        "return found; })";

    [SkippableFact]
    public async Task An_object_timelines_operations_keep_their_indent_on_every_line_they_wrap_onto()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.SetViewportSizeAsync(1024, 900);
        var (url, table) = await ObjectTimelineAsync();
        var columns = table["columns"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        var operation = columns.IndexOf("Operation");
        // How deep each row's operation is: the analysis indents it two spaces a level.
        var depths = table["rows"]!.AsArray().Select(r => r![operation]!.GetValue<string>()).Select(o => (o.Length - o.TrimStart().Length) / 2).ToList();
        Assert.Contains(depths, d => d > 0);

        await page.GotoAsync(url);
        await Expect(page.Locator(".analysis-table tbody tr")).ToHaveCountAsync(depths.Count);
        // A reader narrows the Operation column (its handle, 16 px an arrow key) until operations wrap.
        var header = page.Locator(".analysis-table th").Nth(operation);
        var handle = header.Locator(".col-resizer");
        while (await header.EvaluateAsync<double>("th => th.getBoundingClientRect().width") > 200) await handle.PressAsync("ArrowLeft");

        var lines = await page.Locator($".analysis-table tbody td:nth-child({operation + 1})").EvaluateAllAsync<double[][]>($"cells => cells.map({LineStarts})");
        Assert.Contains(depths.Select((d, i) => d > 0 && lines[i].Length > 1), wrapped => wrapped);
        // Every line of a row starts where its first does, and the first starts further right the deeper the row.
        var firstLineAt = new Dictionary<int, double>();
        for (var i = 0; i < depths.Count; i++)
        {
            var row = lines[i];
            Assert.All(row, at => Assert.True(Math.Abs(at - row[0]) <= 1, $"row {i} (depth {depths[i]}) starts its lines at {string.Join(", ", row.Select(x => $"{x:0}"))} px"));
            if (firstLineAt.TryGetValue(depths[i], out var same)) Assert.True(Math.Abs(row[0] - same) <= 1, $"rows of depth {depths[i]} start at {same:0} and {row[0]:0} px");
            else firstLineAt[depths[i]] = row[0];
        }
        var byDepth = firstLineAt.OrderBy(d => d.Key).Select(d => d.Value).ToList();
        Assert.True(byDepth.Zip(byDepth.Skip(1)).All(p => p.Second > p.First + 4), $"first lines by depth start at {string.Join(", ", byDepth.Select(x => $"{x:0}"))} px");
        await UiServer.ScreenshotsAsync(page, "object-timeline-narrowed");
        Assert.Empty(scriptErrors);
    }

    /// <summary>The page's width and the window's, the analysis table's and its scrolling box's.</summary>
    private const string PageAndTableWidths = "() => { const box = document.querySelector('.analysis-table .table-scroll'); " +
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth, box.scrollWidth, box.clientWidth]; }";

    /// <summary>What makes a table too wide: each column's width and its widest cell's text, for a failure's message.</summary>
    private static Task<string> ColumnsAsync(IPage page) => page.EvaluateAsync<string>(
        "() => [...document.querySelectorAll('.analysis-table th')].map((th, c) => { const cells = [...document.querySelectorAll(`.analysis-table tbody td:nth-child(${c + 1})`)]; " +
        "const widest = cells.reduce((a, td) => td.scrollWidth > (a?.scrollWidth ?? -1) ? td : a, null); " +
        "return `${th.textContent} ${Math.round(th.getBoundingClientRect().width)} px ('${widest?.textContent.trim().slice(0, 60)}')`; }).join(', ')");

    /// <summary>
    /// Where each line of a cell's text starts, from the cell's content box, top line first: the boxes of its text
    /// nodes (an element's own box, as the indent's, is not a line).
    /// </summary>
    private const string LineStarts = "td => { const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT); const starts = new Map(); " +
        "const left = td.getBoundingClientRect().left + parseFloat(getComputedStyle(td).paddingLeft); " +
        "for (let node; (node = walker.nextNode());) { const range = document.createRange(); range.selectNodeContents(node); " +
        "for (const box of range.getClientRects()) { if (box.width === 0) continue; const top = Math.round(box.top); " +
        "starts.set(top, Math.min(starts.get(top) ?? Infinity, box.left - left)); } } " +
        "return [...starts.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]); }";

    /// <summary>The timeline of the pods table's first pod: its page and the table the API answers for it.</summary>
    private async Task<(string Url, System.Text.Json.Nodes.JsonNode Table)> ObjectTimelineAsync()
    {
        var pod = (await ui.ApiAsync($"/api/v1/analyze/pods?{ui.Data.Query}"))["table"]!["rows"]![0]![0]!.GetValue<string>();
        var query = $"object={Uri.EscapeDataString(pod)}&{ui.Data.Query}&resource=pods";
        return ($"/ui/analyses/object?{query}", (await ui.ApiAsync($"/api/v1/analyze/object?{query}"))["table"]!);
    }
}
