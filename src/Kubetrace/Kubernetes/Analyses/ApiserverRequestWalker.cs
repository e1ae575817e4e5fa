using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// Finds the kube-apiserver requests in scanned traces and splits each one's time by phase
/// (<see cref="ExclusiveTimeSweep"/>). Recognises the server span by its name in every version: <c>KubernetesAPI</c>
/// before 1.31, route-style (<c>GET /api/v1/namespaces/{:namespace}/pods/{:name}</c>, or a bare method) after.
/// </summary>
public sealed class ApiserverRequestWalker
{
    public static readonly string[] Services = ["apiserver", "kube-apiserver", "etcd"];

    private static readonly string[] NormalisedKeys =
    [
        K8sKeys.Verb, K8sKeys.Resource, K8sKeys.Subresource, K8sKeys.WebhookConfiguration, K8sKeys.Webhook,
        K8sKeys.AdmissionOperation, K8sKeys.HttpMethod, K8sKeys.HttpStatusCode, K8sKeys.UrlPath,
    ];

    /// <summary>The webhook's URL carries its timeout (<c>?timeout=10s</c>), old and new HTTP conventions.</summary>
    private static readonly string[] WebhookUrlKeys = ["http.url", "url.full"];

    private readonly TraceTree _tree = new();
    private readonly ExclusiveTimeSweep _sweep = new();
    private readonly ApiserverRequest _request = new();
    private readonly Dictionary<string, int> _webhookPhases = new(StringComparer.Ordinal);
    private readonly List<string> _phaseNames = ["rest", "authentication", "authorization", "priorityandfairness", "other filters", "etcd", "serialization", "encryption"];
    private readonly List<int> _nodes = [];
    private int[] _nodeOf = new int[64];
    private int[] _parent = new int[64];
    private long[] _start = new long[64];
    private long[] _end = new long[64];
    private int[] _phase = new int[64];

    public ApiserverRequestWalker(TimeRange range) => Attributes = new ScannedAttributes(range, NormalisedKeys, WebhookUrlKeys).ForServices(Services);

    /// <summary>Builds the scan request and reads the normalised attributes.</summary>
    public ScannedAttributes Attributes { get; }

    /// <summary>Phase names by index: the fixed ones, then <c>configuration/webhook</c> for each webhook seen.</summary>
    public IReadOnlyList<string> PhaseNames => _phaseNames;

    public static bool IsApiserver(string service) => service is "apiserver" or "kube-apiserver";

    /// <summary>The otelhttp server span of an apiserver request, in any Kubernetes version.</summary>
    public static bool IsRequestSpan(ScannedSpan span) =>
        span.Kind == Span.Types.SpanKind.Server &&
        (span.Name == "KubernetesAPI" || (IsApiserver(span.Service) && ApiserverRoute.MethodOfSpanName(span.Name) is not null));

    /// <summary>Calls <paramref name="onRequest"/> for every apiserver request of the trace (the object is reused).</summary>
    public void Walk(ScannedTrace trace, Action<ApiserverRequest> onRequest)
    {
        _tree.Load(trace);
        for (var i = 0; i < _tree.Count; i++)
        {
            if (!IsRequestSpan(_tree[i]) || _tree[i].DurationNanos == 0) continue;
            Describe(i);
            onRequest(_request);
        }
    }

    private void Describe(int rootIndex)
    {
        _nodes.Clear();
        _tree.CollectSubtree(rootIndex, _nodes);
        EnsureCapacity(_nodes.Count);
        var root = _tree[rootIndex];
        var request = _request;
        request.Root = root;
        request.HasFilterSpans = false;
        request.Webhooks.Clear();
        string? handlerVerb = null, verbAttribute = null, resource = null, subresource = null;
        foreach (var index in _nodes) _nodeOf[index] = -1;
        for (var n = 0; n < _nodes.Count; n++)
        {
            var index = _nodes[n];
            var span = _tree[index];
            _nodeOf[index] = n;
            var parent = n == 0 ? -1 : _nodeOf[_tree.ParentOf(index)];
            _parent[n] = parent;
            Clip(n, span, parent, root);
            var own = n == 0 ? ApiserverPhase.Rest : ApiserverPhase.Of(span.Name);
            if (own is ApiserverPhase.Authentication or ApiserverPhase.Authorization or ApiserverPhase.PriorityAndFairness or ApiserverPhase.OtherFilters)
                request.HasFilterSpans = true;
            if (own == ApiserverPhase.FirstWebhook) own = WebhookCallOf(index, span, request);
            _phase[n] = own == ApiserverPhase.None ? EnclosingPhase(n) : own;
            var verb = own == ApiserverPhase.None ? ApiserverRoute.VerbOfHandler(span.Name) : null;
            handlerVerb ??= verb;
            if (verb is not null || (own == ApiserverPhase.Etcd && ApiserverPhase.IsStorage(span.Name)))
            {
                verbAttribute ??= Attributes.Get(span, K8sKeys.Verb);
                resource ??= NonEmpty(Attributes.Get(span, K8sKeys.Resource));
                subresource ??= NonEmpty(Attributes.Get(span, K8sKeys.Subresource));
            }
        }
        SetVerbAndResource(request, root, handlerVerb, verbAttribute, resource, subresource);
        var phases = _phaseNames.Count;
        if (request.PhaseTime.Length != phases) request.PhaseTime = new double[phases];
        else Array.Clear(request.PhaseTime);
        _sweep.Attribute(_nodes.Count, _parent, _start, _end, _phase, request.PhaseTime);
    }

    /// <summary>
    /// Keeps every interval inside the request. A span of another process (etcd under the apiserver's client span)
    /// is also kept inside its parent: clocks of different machines disagree, and its time is its parent's.
    /// </summary>
    private void Clip(int n, ScannedSpan span, int parent, ScannedSpan root)
    {
        var start = Math.Max(span.StartUnixNano, root.StartUnixNano);
        var end = Math.Min(span.EndUnixNano, root.EndUnixNano);
        if (parent >= 0 && _tree[_nodes[parent]].Service != span.Service)
        {
            start = Math.Max(start, _start[parent]);
            end = Math.Min(end, _end[parent]);
        }
        _start[n] = start;
        _end[n] = Math.Max(start, end);
    }

    /// <summary>
    /// The phase of the nearest ancestor whose interval holds the span. Not simply the parent's: a handler span
    /// is nested under filter spans that ended before it started, and its time is not theirs.
    /// </summary>
    private int EnclosingPhase(int n)
    {
        for (var a = _parent[n]; a >= 0; a = _parent[a])
            if (_start[a] <= _start[n] && _end[n] <= _end[a]) return _phase[a];
        return ApiserverPhase.Rest;
    }

    private int WebhookCallOf(int index, ScannedSpan span, ApiserverRequest request)
    {
        var configuration = Attributes.Get(span, K8sKeys.WebhookConfiguration) ?? "";
        var name = Attributes.Get(span, K8sKeys.Webhook) ?? "";
        var key = configuration + "/" + name;
        if (!_webhookPhases.TryGetValue(key, out var phase))
        {
            phase = _phaseNames.Count;
            _webhookPhases.Add(key, phase);
            _phaseNames.Add(key);
        }
        var resource = Attributes.Get(span, K8sKeys.Resource) is { } r ? ApiserverRoute.ResourceName(r) : "";
        if (NonEmpty(Attributes.Get(span, K8sKeys.Subresource)) is { } sub) resource += "/" + sub;
        var (failed, timedOut) = WebhookOutcome.Of(_tree, index, Attributes);
        request.Webhooks.Add(new WebhookCall(phase, configuration, name, span.Name == "Call mutating webhook", resource,
            Attributes.Get(span, K8sKeys.AdmissionOperation) ?? "", span.DurationNanos, failed, timedOut));
        return phase;
    }

    private void SetVerbAndResource(ApiserverRequest request, ScannedSpan root, string? handlerVerb, string? verbAttribute,
        string? resource, string? subresource)
    {
        var route = ApiserverRoute.PathOfSpanName(root.Name);
        var path = Attributes.Get(root, K8sKeys.UrlPath) ?? route;
        var (pathResource, pathSubresource, named) = ApiserverRoute.Parse(path);
        // The templated route ({:name}) can say "one object" where the recorded path does not.
        if (route is not null && !ReferenceEquals(route, path) && ApiserverRoute.Parse(route).Named) named = true;
        resource ??= pathResource;
        subresource ??= pathSubresource;
        if (resource is null) named = true; // a non-resource GET (/healthz, /metrics) reads one thing
        var method = Attributes.Get(root, K8sKeys.HttpMethod) ?? ApiserverRoute.MethodOfSpanName(root.Name) ?? "GET";
        request.Verb = handlerVerb ?? ApiserverRoute.VerbOf(verbAttribute ?? method, named, path);
        request.Resource = resource is null ? "(non-resource)" : subresource is null ? resource : resource + "/" + subresource;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private void EnsureCapacity(int nodes)
    {
        if (_nodeOf.Length < _tree.Count) _nodeOf = new int[Math.Max(_tree.Count, _nodeOf.Length * 2)];
        if (_parent.Length >= nodes) return;
        var size = Math.Max(nodes, _parent.Length * 2);
        _parent = new int[size];
        _start = new long[size];
        _end = new long[size];
        _phase = new int[size];
    }
}
