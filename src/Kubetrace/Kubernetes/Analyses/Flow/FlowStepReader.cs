using System.Globalization;
using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Analyses.Objects;
using Kubetrace.Kubernetes.Analyses.Pods;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Analyses.Flow;

/// <summary>
/// Reads the spans of an object timeline as steps of a flow: an apiserver handler span is the request it serves
/// (its server span's time, its verb, resource and subresource, its caller from the user agent), kubelet's
/// <c>syncPod</c> and CRI client spans are the pod's start on its node, containerd's spans the runtime's work.
/// Traces are read once each (the timeline names spans by trace and span ID).
/// </summary>
internal sealed class FlowStepReader(ITraceStore store, TimeRange range)
{
    private static readonly string[] Keys =
    [
        K8sKeys.Namespace, K8sKeys.ObjectName, K8sKeys.Resource, K8sKeys.Subresource, K8sKeys.Verb, K8sKeys.UserAgent, K8sKeys.EtcdKey,
        K8sKeys.Node, K8sKeys.Image, K8sKeys.UrlPath, K8sKeys.PodName,
    ];

    private static readonly string[] WriteVerbs = ["create", "update", "patch", "apply"];

    private readonly ScannedAttributes _attributes = new(range, Keys, ["k8s.pod.update_type"]);
    private readonly Dictionary<string, SpanTree?> _trees = new(StringComparer.Ordinal);

    public ScannedAttributes Attributes => _attributes;

    /// <summary>The trace's spans as a tree; null when the store no longer has it.</summary>
    public async Task<SpanTree?> TreeAsync(string traceId, CancellationToken cancellationToken)
    {
        if (_trees.TryGetValue(traceId, out var known)) return known;
        SpanTree? tree = null;
        if (TraceId.TryParse(traceId, out var id) && await store.GetTraceAsync(id, cancellationToken).ConfigureAwait(false) is { } spans)
        {
            var trace = new ScannedTrace();
            TraceObjectScan.Fill(trace, id, spans, _attributes.Request);
            tree = new SpanTree(trace.Spans);
        }
        _trees[traceId] = tree;
        return tree;
    }

    /// <summary>A trace read before (every step's trace is), or null.</summary>
    public SpanTree? Cached(string traceId) => _trees.GetValueOrDefault(traceId);

    /// <summary>The step a timeline entry stands for, or null when it is none (filters, storage, other requests).</summary>
    public async Task<(FlowStep Step, SpanTree.Node Node)?> StepAsync(TimelineEntry entry, string? pod, CancellationToken cancellationToken)
    {
        if (await TreeAsync(entry.TraceId, cancellationToken).ConfigureAwait(false) is not { } tree) return null;
        if (tree.Find(ulong.Parse(entry.SpanId, NumberStyles.HexNumber, CultureInfo.InvariantCulture)) is not { } node) return null;
        var step = StepOf(entry.TraceId, node, pod, entry.How);
        return step is null ? null : (step, RequestNode(node) ?? node);
    }

    private FlowStep? StepOf(string traceId, SpanTree.Node node, string? pod, string how)
    {
        var span = node.Span;
        if (span.Service == ContainerdComponent) return Step(FlowStepKind.Containerd, traceId, node, pod, null, Operation(node), "under " + CriAncestor(node));
        if (span.Service == KubeletComponent && span.Name == PodStartupState.SyncPod)
            return Step(FlowStepKind.SyncPod, traceId, node, pod, null,
                "syncPod" + (_attributes.Get(span, "k8s.pod.update_type") is { } type ? " (" + type + ")" : ""), how);
        if (span.Kind == SpanKind.Client && IsCri(span.Name))
            return Step(FlowStepKind.Cri, traceId, node, pod, null, Operation(node),
                node.Parent is { } parent ? "child of " + parent.Span.Name : how) with { Phase = CriPhases.Of(span.Name) };
        if (RequestKind(span) is not { } kind || RequestNode(node) is not { } request) return null;
        var caller = CallerName.Of(_attributes.Get(span, K8sKeys.UserAgent) ?? _attributes.Get(request.Span, K8sKeys.UserAgent));
        return Step(kind, traceId, request, pod, caller, RequestOperation(span), how) with { Depth = 0 };
    }

    /// <summary>The client span above an apiserver request: its parent (traceparent followed), else the span its server span links to.</summary>
    public async Task<(FlowStep Step, string JoinedBy)?> ClientOfAsync(string traceId, SpanTree.Node request, CancellationToken cancellationToken)
    {
        if (request.Parent is { } parent && parent.Span.Kind == SpanKind.Client && parent.Span.Service != request.Span.Service)
            return (Step(FlowStepKind.ClientCall, traceId, parent, null, parent.Span.Service, parent.Span.Name,
                "parent of the apiserver's server span (traceparent followed)"), "");
        foreach (var link in request.Span.Links)
        {
            var linkedTrace = link.TraceId.ToString();
            if (await TreeAsync(linkedTrace, cancellationToken).ConfigureAwait(false) is not { } tree || tree.Find(link.SpanId) is not { } linked) continue;
            if (linked.Span.Kind != SpanKind.Client) continue;
            return (Step(FlowStepKind.ClientCall, linkedTrace, linked, null, linked.Span.Service, linked.Span.Name,
                "the apiserver's server span links to it (traceparent not followed)"), "");
        }
        return null;
    }

    private FlowStep Step(FlowStepKind kind, string traceId, SpanTree.Node node, string? pod, string? caller, string operation, string joinedBy)
    {
        var span = node.Span;
        var component = _attributes.Get(span, K8sKeys.Node) is { } host && span.Service != ApiserverSpans.Component ? $"{span.Service} ({host})" : span.Service;
        return new FlowStep(kind, pod, component, caller, operation, span.StartUnixNano, span.DurationNanos, traceId, SpanTree.Hex(span.SpanId),
            node.Depth, span.IsError, joinedBy);
    }

    /// <summary>What an apiserver handler span served: create pods/binding, update replicasets/status, ...</summary>
    private FlowStepKind? RequestKind(ScannedSpan span)
    {
        var (verb, resource, subresource) = Request(span);
        if (verb is null || resource is null) return null;
        var write = WriteVerbs.Contains(verb);
        return (resource, subresource, verb) switch
        {
            ("deployments", "", _) when write => FlowStepKind.DeploymentWrite,
            ("deployments", "status", _) when write => FlowStepKind.DeploymentStatus,
            ("replicasets", "", "create") => FlowStepKind.ReplicaSetCreate,
            ("replicasets", "status", _) when write => FlowStepKind.ReplicaSetStatus,
            ("pods", "", "create") => FlowStepKind.PodCreate,
            ("pods", "binding", "create") => FlowStepKind.Binding,
            ("pods", "status", _) when write => FlowStepKind.PodStatus,
            _ => null,
        };
    }

    /// <summary>Verb, resource and subresource: the handler span's attributes (1.29+), else its name and request path (1.27/1.28).</summary>
    private (string? Verb, string? Resource, string Subresource) Request(ScannedSpan span)
    {
        if (span.Service != ApiserverSpans.Component) return (null, null, "");
        var verb = Verb(_attributes.Get(span, K8sKeys.Verb));
        var resource = _attributes.Get(span, K8sKeys.Resource);
        if (verb is not null && resource is not null) return (verb, resource, _attributes.Get(span, K8sKeys.Subresource) ?? "");
        if (span.Kind != SpanKind.Internal || _attributes.Get(span, K8sKeys.UrlPath) is not { } path) return (null, null, "");
        var named = span.Name.ToLowerInvariant();
        if (!WriteVerbs.Contains(named)) return (null, null, "");
        // /api/v1/namespaces/{ns}/{resource}[/{name}[/{subresource}]], /apis/{group}/{version}/namespaces/...
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(parts, "namespaces");
        if (at < 0 || parts.Length < at + 3) return (null, null, "");
        return (named, parts[at + 2], parts.Length > at + 4 ? parts[at + 4] : "");
    }

    /// <summary>
    /// The handler span's <c>verb</c> is metrics.NormalizedVerb of the request (k8s.io/apiserver
    /// pkg/endpoints/handlers/helpers.go line 194 at v0.34.0): the HTTP method, LIST/WATCH for collection reads,
    /// APPLY for a server-side apply. Read as the API verb: POST is a create, PUT an update.
    /// </summary>
    private static string? Verb(string? normalized) => normalized?.ToLowerInvariant() switch
    {
        "post" => "create",
        "put" => "update",
        var verb => verb,
    };

    private string RequestOperation(ScannedSpan span)
    {
        var (verb, resource, subresource) = Request(span);
        var name = _attributes.Get(span, K8sKeys.ObjectName);
        var what = subresource.Length == 0 ? resource : resource + "/" + subresource;
        return $"{verb} {what}" + (string.IsNullOrEmpty(name) ? "" : " " + name);
    }

    /// <summary>The server span of the apiserver request a span belongs to (itself, or its nearest server-kind ancestor).</summary>
    private static SpanTree.Node? RequestNode(SpanTree.Node node)
    {
        if (node.Span.Service != ApiserverSpans.Component) return null;
        if (node.Span.Kind == SpanKind.Server) return node;
        return node.Ancestors().TakeWhile(a => a.Span.Service == node.Span.Service).FirstOrDefault(a => a.Span.Kind == SpanKind.Server) ?? node;
    }

    /// <summary>A CRI method with the image it is about, when a span under it names one.</summary>
    private string Operation(SpanTree.Node node)
    {
        var method = node.Span.Name[(node.Span.Name.LastIndexOf('/') + 1)..];
        var image = new[] { node }.Concat(node.Descendants()).Select(n => _attributes.Get(n.Span, K8sKeys.Image)).FirstOrDefault(i => i is not null);
        var name = node.Span.Service == ContainerdComponent ? node.Span.Name : method;
        return image is null ? name : name + " " + image;
    }

    private static string CriAncestor(SpanTree.Node node) =>
        node.Ancestors().FirstOrDefault(a => a.Span.Service == KubeletComponent)?.Span.Name ?? node.Parent?.Span.Name ?? "a CRI call";

    public static bool IsCri(string spanName) =>
        spanName.Contains("RuntimeService/", StringComparison.Ordinal) || spanName.Contains("ImageService/", StringComparison.Ordinal);

    public const string KubeletComponent = "kubelet";
    public const string ContainerdComponent = "containerd";
}
