using System.Buffers;
using System.Text.Json;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query;
using Kubetrace.Storage;
using Kubetrace.Tests.Api;
using Kubetrace.Tests.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Query;

/// <summary>
/// Searching by a normalised Kubernetes name finds spans whichever raw form they carry: the apiserver's
/// <c>namespace</c>, <c>k8s.namespace.name</c> (span or resource), kubelet's <c>k8s.pod</c> = namespace/name.
/// One span per trace, named after the form it carries.
/// </summary>
public class NormalisedSearchTests
{
    private static ExportTraceServiceRequest Cluster() => Request(
        Resource("k8s",
            Span(1, 1, 0, "apiserver-namespace", 0, 10, ("namespace", "kube-system"), ("name", "coredns")),
            Span(2, 1, 0, "kubelet-pod", 10, 10, ("k8s.pod", "kube-system/coredns-5d78c9869d-abcde")),
            Span(3, 1, 0, "semconv-namespace", 20, 10, ("k8s.namespace.name", "kube-system"), ("k8s.pod.name", "etcd-node-1")),
            Span(4, 1, 0, "other-namespace", 30, 10, ("namespace", "default")),
            Span(5, 1, 0, "pod-of-default", 40, 10, ("k8s.pod", "default/kube-system"))),
        new ResourceSpans
        {
            Resource = new Resource { Attributes = { Attr("service.name", "k8s"), Attr("k8s.namespace.name", "kube-system") } },
            ScopeSpans = { new ScopeSpans { Spans = { Span(6, 1, 0, "resource-namespace", 50, 10) } } },
        });

    private static readonly string[] InKubeSystem = ["apiserver-namespace", "kubelet-pod", "resource-namespace", "semconv-namespace"];

    private static async Task<List<string>> SearchAsync(ITraceStore store, params Condition[] conditions)
    {
        var found = await new QueryEngine(store).SearchAsync(new TraceQuery(TimeRange.All, conditions.Select(c => (QueryCondition)c).ToList(), 20),
            CancellationToken.None);
        return found.Select(f => f.Summary.RootName ?? "").Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task The_namespace_is_found_in_every_raw_form_in_the_head_and_in_blocks()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Cluster());

        Assert.Equal(InKubeSystem, await SearchAsync(temp.Store, Condition.Attribute("k8s.namespace.name", "kube-system")));
        await temp.Store.FlushHeadAsync();
        Assert.Equal(InKubeSystem, await SearchAsync(temp.Store, Condition.Attribute("k8s.namespace.name", "kube-system")));
    }

    [Fact]
    public async Task Object_and_pod_names_regexes_and_exists_use_the_normalised_value()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Cluster());

        Assert.Equal(["kubelet-pod"], await SearchAsync(temp.Store, Condition.Attribute("k8s.pod.name", "coredns-5d78c9869d-abcde")));
        Assert.Equal(["apiserver-namespace"], await SearchAsync(temp.Store, Condition.Attribute("k8s.object.name", "coredns")));
        Assert.Equal(["kubelet-pod", "pod-of-default"],
            await SearchAsync(temp.Store, new Condition(AttributeScope.Any, "k8s.pod.name", ConditionOp.Regex, "(coredns|kube).*")));
        Assert.Equal(["kubelet-pod", "pod-of-default", "semconv-namespace"],
            await SearchAsync(temp.Store, new Condition(AttributeScope.Any, "k8s.pod.name", ConditionOp.Exists)));
        Assert.Equal(["other-namespace", "pod-of-default"],
            await SearchAsync(temp.Store, new Condition(AttributeScope.Any, "k8s.namespace.name", ConditionOp.NotEqual, "kube-system")));
    }

    [Fact]
    public async Task A_raw_key_still_means_only_itself_and_results_keep_the_attributes_as_sent()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Cluster());

        Assert.Equal(["apiserver-namespace"], await SearchAsync(temp.Store, Condition.Attribute("namespace", "kube-system")));
        var found = await new QueryEngine(temp.Store).SearchAsync(
            new TraceQuery(TimeRange.All, [Condition.Attribute("k8s.namespace.name", "kube-system")], 20), CancellationToken.None);
        var kubelet = found.Single(f => f.Summary.RootName == "kubelet-pod").Matched.Single().Span;
        Assert.Equal(["k8s.pod"], kubelet.Attributes.Select(a => a.Key));
    }

    [Fact]
    public async Task Native_Jaeger_and_Tempo_searches_find_the_namespace_in_every_raw_form()
    {
        await using var server = await QueryServer.StartAsync();
        var json = new ArrayBufferWriter<byte>();
        OtlpJson.WriteTo(json, Cluster());
        await server.PostOtlpJsonAsync(System.Text.Encoding.UTF8.GetString(json.WrittenSpan), "cluster");

        using var native = JsonDocument.Parse(await server.Query.GetStringAsync($"/api/v1/search?attr=k8s.namespace.name=kube-system&{WindowQuery}"));
        Assert.Equal(InKubeSystem, native.RootElement.GetProperty("traces").EnumerateArray()
            .Select(t => t.GetProperty("rootName").GetString()!).Order(StringComparer.Ordinal));

        var tags = Uri.EscapeDataString("{\"k8s.namespace.name\":\"kube-system\"}");
        using var jaeger = JsonDocument.Parse(await server.Query.GetStringAsync($"/api/traces?service=k8s&tags={tags}&{JaegerWindowQuery}&limit=20"));
        Assert.Equal(InKubeSystem, jaeger.RootElement.GetProperty("data").EnumerateArray()
            .Select(t => t.GetProperty("spans")[0].GetProperty("operationName").GetString()!).Order(StringComparer.Ordinal));

        using var tempo = JsonDocument.Parse(await server.Tempo.GetStringAsync("/api/search?tags=" + Uri.EscapeDataString("k8s.namespace.name=kube-system")));
        Assert.Equal(InKubeSystem, tempo.RootElement.GetProperty("traces").EnumerateArray()
            .Select(t => t.GetProperty("rootTraceName").GetString()!).Order(StringComparer.Ordinal));
    }
}
