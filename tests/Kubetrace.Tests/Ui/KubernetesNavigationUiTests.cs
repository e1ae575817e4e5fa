using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// Kubernetes navigation: an object named in a span (its request URL, or an apiserver handler's namespace, name and
/// resource, for every resource, cluster-scoped ones too) links to its object timeline over the trace's own time (however
/// old the trace is), with the day before it.
/// </summary>
public sealed class KubernetesNavigationUiTests(UiServer ui) : IClassFixture<UiServer>
{
    private static readonly Regex ObjectPath = new(@"^/apis?/(?:[^/]+/)?[^/]+/namespaces/([^/]+)/([^/]+)/([^/?{]+)");

    [SkippableFact]
    public async Task An_object_in_a_spans_request_url_links_to_its_object_timeline()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var (traceId, spanId, ns, resource, name, spanStart, spanEnd) = await SpanNamingAnObjectAsync();

        await page.GotoAsync($"/ui/trace/{traceId}?span={spanId}");
        var link = page.Locator(".span-details .k8s-objects a", new() { HasTextString = $"{resource} {ns}/{name} timeline" });
        await link.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/ui/analyses/object\\?object={Regex.Escape(Uri.EscapeDataString($"{ns}/{name}"))}&start=\\d+&end=\\d+&resource={resource}$"));
        var range = HttpUtility.ParseQueryString(new Uri(page.Url).Query);
        // The trace's own time, the day before it (what led to it) and the hour after: not a look-back from now.
        Assert.True(long.Parse(range["start"]!) <= spanStart - Nanos(TimeSpan.FromDays(1)), $"start {range["start"]}, span {spanStart}");
        Assert.True(long.Parse(range["end"]!) >= spanEnd + Nanos(TimeSpan.FromHours(1)), $"end {range["end"]}, span {spanEnd}");
        Assert.True(long.Parse(range["end"]!) - long.Parse(range["start"]!) < Nanos(TimeSpan.FromDays(2)), "a range about the trace");
        await Expect(page.Locator(".analysis-table tbody tr").First).ToBeVisibleAsync();
        await Expect(page.Locator(".analysis-table")).ToContainTextAsync(traceId);
        // The same timeline drawn as lanes per component: the request we came from is a bar that opens its trace.
        var rows = await page.Locator(".analysis-table tbody tr").CountAsync();
        await Expect(page.Locator(".object-lanes .lane-bar")).ToHaveCountAsync(rows);
        await Expect(page.Locator(".object-lanes .lane[data-lane^='apiserver']").First).ToBeVisibleAsync();
        await UiServer.ScreenshotsAsync(page, "object-timeline");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task A_handler_span_links_the_object_its_attributes_name_to_its_timeline_for_a_cluster_scoped_resource()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        // kubelet's node status updates: the Patch handler names the node (no namespace) in its own attributes.
        var found = await ui.ApiAsync("/api/v1/search?" + $"q={Uri.EscapeDataString("{ name = \"Patch\" && span.resource = \"nodes\" && span.name != \"\" }")}&limit=1&spans=1&{ui.Data.Query}");
        var summary = found["traces"]![0]!;
        var traceId = summary["traceId"]!.GetValue<string>();
        var handler = summary["spans"]![0]!["spanId"]!.GetValue<string>();
        var trace = await ui.ApiAsync($"/api/v1/traces/{traceId}");
        var node = trace["resourceSpans"]!.AsArray().SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray())
            .Single(s => s!["spanId"]!.GetValue<string>() == handler)!["attributes"]!.AsArray()
            .Single(a => a!["key"]!.GetValue<string>() == "name")!["value"]!["stringValue"]!.GetValue<string>();

        await page.GotoAsync($"/ui/trace/{traceId}?span={handler}");
        await Expect(page.Locator(".span-details h2")).ToHaveTextAsync("Patch");
        await page.Locator(".span-details .k8s-objects a", new() { HasTextString = $"nodes {node} timeline" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/ui/analyses/object\\?object={Regex.Escape(node)}&start=\\d+&end=\\d+&resource=nodes$"));
        await Expect(page.Locator(".analysis-table tbody tr").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator(".analysis-table")).ToContainTextAsync(traceId);
        await UiServer.ScreenshotsAsync(page, "object-timeline-of-a-node");
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task A_pods_rows_pod_links_to_the_pods_object_timeline()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        var pod = (await ui.ApiAsync($"/api/v1/analyze/pods?{ui.Data.Query}"))["table"]!["rows"]![0]![0]!.GetValue<string>();

        await page.GotoAsync($"/ui/analyses/pods?{ui.Data.Query}");
        await page.Locator(".analysis-table tbody tr").First.GetByRole(AriaRole.Link, new() { Name = pod, Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/ui/analyses/object\\?object={Regex.Escape(Uri.EscapeDataString(pod))}&start=\\d+&end=\\d+&resource=pods$"));
        // The timeline is built from the store on request: on a loaded machine it takes a while.
        await Expect(page.Locator(".object-lanes .lane[data-lane^='kubelet']").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.Empty(scriptErrors);
    }

    private static long Nanos(TimeSpan span) => span.Ticks * 100;

    private async Task<(string TraceId, string SpanId, string Namespace, string Resource, string Name, long Start, long End)> SpanNamingAnObjectAsync()
    {
        var found = await ui.ApiAsync($"/api/v1/search?service=apiserver&kind=server&limit=100&{ui.Data.Query}");
        foreach (var summary in found["traces"]!.AsArray())
        {
            var traceId = summary!["traceId"]!.GetValue<string>();
            var trace = await ui.ApiAsync($"/api/v1/traces/{traceId}");
            foreach (var span in trace["resourceSpans"]!.AsArray().SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray()))
                foreach (var attribute in span!["attributes"]?.AsArray() ?? [])
                    if (attribute!["key"]!.GetValue<string>() is "url.path" or "http.target"
                        && ObjectPath.Match(attribute["value"]!["stringValue"]?.GetValue<string>() ?? "") is { Success: true } m)
                        return (traceId, span["spanId"]!.GetValue<string>(), m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value,
                            long.Parse(span["startTimeUnixNano"]!.GetValue<string>()), long.Parse(span["endTimeUnixNano"]!.GetValue<string>()));
        }
        throw new InvalidOperationException("no apiserver span names a namespaced object in its URL among 100 simulated requests");
    }
}
