using System.Net;
using Kubetrace.Tests.Cli;
using static Kubetrace.Tests.Kubernetes.Analyses.ObjectTraces;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// <c>object</c>, <c>pods</c>, <c>critical-path</c> and <c>compare</c> through a running server: the native
/// <c>/api/v1/analyze/{name}</c> endpoint and the <c>kubetrace analyze</c> command.
/// </summary>
public sealed class AnalyzeApiTests(AnalysesServer server) : IClassFixture<AnalysesServer>
{
    private static string Hex(int trace) => KubeTraces.TraceHex(trace);

    [Fact]
    public async Task The_catalog_lists_the_four_analyses_with_their_arguments()
    {
        var catalog = (await server.GetAsync("/api/v1/analyze"))["analyses"]!.AsArray();

        var names = catalog.Select(a => a!["name"]!.GetValue<string>()).ToList();
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "critical-path", "compare", "pods", "object" });
        var compare = catalog.Single(a => a!["name"]!.GetValue<string>() == "compare")!;
        Assert.Equal(["trace-a", "trace-b"], compare["arguments"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Object_timeline_over_the_api_joins_the_linked_traces()
    {
        var answer = await server.GetAsync($"/api/v1/analyze/object?object=shop/web-1&{Spans.WindowQuery}");

        var traces = answer["data"]!["traces"]!.AsArray().Select(t => t!["traceId"]!.GetValue<string>());
        Assert.Equal([Hex(Kubectl), Hex(CreateRequest), Hex(KubeletSync), Hex(PatchRequest)], traces);
        var rows = answer["table"]!["rows"]!.AsArray();
        Assert.Equal(26, rows.Count);
        Assert.Equal(["kubectl", "kubectl create", "T1"], [rows[0]![2]!.GetValue<string>(), rows[0]![3]!.GetValue<string>(), rows[0]![6]!.GetValue<string>()]);
        Assert.Equal("link", answer["data"]!["entries"]![1]!["relation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Critical_path_over_the_api_sums_to_the_trace_duration()
    {
        var data = (await server.GetAsync($"/api/v1/analyze/critical-path?trace-id={Hex(CreateRequest)}"))["data"]!;

        var path = data["path"]!.AsArray();
        Assert.Equal(data["durationNanos"]!.GetValue<long>(), path.Sum(s => s!["selfOnPathNanos"]!.GetValue<long>()));
        // Authentication, then the handler, which waits for the webhook and then the etcd write.
        Assert.Equal(["POST /api/v1/namespaces/{:namespace}/pods", "authentication", "Create", "Call mutating webhook", "HTTP POST", "Create etcd3", "etcdserverpb.KV/Txn", "etcdserverpb.KV/Txn"],
            path.Select(s => s!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Compare_over_the_api_says_when_two_traces_are_not_the_same_operation()
    {
        var data = (await server.GetAsync($"/api/v1/analyze/compare?trace-a={Hex(CreateRequest)}&trace-b={Hex(PatchRequest)}"))["data"]!;

        // A Create (8 spans, with its webhook) and a Patch (6): paths start at different roots, so nothing matches.
        Assert.Equal(0, data["matched"]!.GetValue<int>());
        Assert.Equal((8, 6), (data["onlyInA"]!.AsArray().Count, data["onlyInB"]!.AsArray().Count));
        Assert.Contains(data["notes"]!.AsArray(), n => n!.GetValue<string>().Contains("different operations", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pods_over_the_api_lists_the_pod_start_ups_slowest_first()
    {
        var data = (await server.GetAsync($"/api/v1/analyze/pods?by=image&{Spans.WindowQuery}"))["data"]!;

        Assert.Equal(["shop/web-1", "shop/web-2"], data["pods"]!.AsArray().Select(p => p!["pod"]!.GetValue<string>()));
        Assert.Equal("registry.example/web:1", data["images"]![0]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mistakes_are_answered_with_400_and_say_what_is_wrong()
    {
        var badId = await server.GetAsync("/api/v1/analyze/critical-path?trace-id=not-hex", HttpStatusCode.BadRequest);
        var badBy = await server.GetAsync("/api/v1/analyze/pods?by=cluster", HttpStatusCode.BadRequest);
        var badObject = await server.GetAsync("/api/v1/analyze/object?object=a/b/c", HttpStatusCode.BadRequest);

        Assert.Contains("is not a trace ID", badId.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("is not one of pod, image, node", badBy.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("is not namespace/name", badObject.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_draws_the_timeline_table_and_prints_data_as_json()
    {
        var table = await CliRun.RunAsync("analyze", "object", "shop/web-1", "--server", server.Url, "--since", Spans.SinceWindowStart, "--width", "250");
        var json = await CliRun.RunAsync("analyze", "critical-path", Hex(KubeletSync), "--server", server.Url, "--json");

        Assert.Equal(0, table.Code);
        Assert.Contains("Timeline of shop/web-1", table.Output, StringComparison.Ordinal);
        Assert.Contains(table.Lines, l => l.Contains("kubelet (node-1)", StringComparison.Ordinal) && l.Contains("syncPod", StringComparison.Ordinal) && l.Contains("k8s.pod shop/web-1", StringComparison.Ordinal));
        Assert.Contains($"T3 = {Hex(KubeletSync)}: kubelet syncPod", table.Output, StringComparison.Ordinal);
        Assert.Equal(0, json.Code);
        var data = System.Text.Json.Nodes.JsonNode.Parse(json.Output)!;
        Assert.Equal("syncPod", data["rootName"]!.GetValue<string>());
    }
}
