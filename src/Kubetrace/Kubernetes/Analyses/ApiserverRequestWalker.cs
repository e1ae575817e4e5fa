using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// Finds the kube-apiserver requests in scanned traces and splits each one's time by phase
/// (<see cref="ExclusiveTimeSweep"/>), on every release's shape (<see cref="ApiserverCatalog"/>): the server span
/// by its name (<c>KubernetesAPI</c> before 1.31, route-style after); its extent rebuilt from its children where
/// 1.33 ends it early; the one <c>authentication</c> child through 1.32, the nested filters from 1.34 (each charged
/// only its own time, never the handler's under it); watches recognised by the request URI's query in every
/// release (no handler span says so through 1.35). An <c>authentication</c> span that is a trace of its own
/// (1.33+) cannot be joined to its request: it is handed over apart.
/// </summary>
public sealed class ApiserverRequestWalker
{
    public static readonly string[] Services = ["apiserver", "kube-apiserver", "etcd"];

    private static readonly string[] NormalisedKeys =
    [
        K8sKeys.Verb, K8sKeys.Resource, K8sKeys.Subresource, K8sKeys.WebhookConfiguration, K8sKeys.Webhook,
        K8sKeys.AdmissionOperation, K8sKeys.HttpMethod, K8sKeys.HttpStatusCode, K8sKeys.UrlPath,
    ];

    /// <summary>
    /// Read raw: the webhook's URL carries its timeout (<c>?timeout=10s</c>), old and new HTTP conventions; the server
    /// span's <c>http.target</c> carries the query (a watch's <c>watch=true</c>), which <c>url.path</c> (1.35+) does not.
    /// </summary>
    private static readonly string[] RawKeys = ["http.url", "url.full", ApiserverKeys.HttpTarget, "server.address", "net.peer.name", "http.host", "server.port", "net.peer.port"];

    private readonly TraceTree _tree = new();
    private readonly ExclusiveTimeSweep _sweep = new();
    private readonly ApiserverRequest _request = new();
    private readonly Dictionary<string, int> _webhookPhases = new(StringComparer.Ordinal);
    private readonly List<string> _phaseNames = ["rest", "authentication", "authorization", "priorityandfairness", "other filters", "etcd", "serialization", "encryption", "aggregated API", "nested requests"];
    private readonly List<int> _nodes = [];
    private int[] _nodeOf = new int[64];
    private int[] _parent = new int[64];
    private long[] _start = new long[64];
    private long[] _end = new long[64];
    private int[] _phase = new int[64];
    // Whether a node lies under an outgoing request (the aggregator's proxy, a loopback call): its phase is that request's.
    private bool[] _underOutgoing = new bool[64];

    public ApiserverRequestWalker(TimeRange range) => Attributes = new ScannedAttributes(range, NormalisedKeys, RawKeys).ForServices(Services);

    /// <summary>Builds the scan request and reads the normalised attributes.</summary>
    public ScannedAttributes Attributes { get; }

    /// <summary>Phase names by index: the fixed ones, then <c>configuration/webhook</c> for each webhook seen.</summary>
    public IReadOnlyList<string> PhaseNames => _phaseNames;

    public static bool IsApiserver(string service) => service is ApiserverSpans.Component or "kube-apiserver";

    /// <summary>The otelhttp server span of an apiserver request, in any Kubernetes version.</summary>
    public static bool IsRequestSpan(ScannedSpan span) =>
        span.Kind == Span.Types.SpanKind.Server &&
        (span.Name == ApiserverSpans.LegacyServerSpan || (IsApiserver(span.Service) && ApiserverRoute.MethodOfSpanName(span.Name) is not null));

    /// <summary>
    /// An <c>authentication</c> span with no request under it: from 1.33 authentication runs before tracing and is
    /// a trace of its own (1.33: its duration is the authentication; 1.34+: the whole request, see the catalog).
    /// </summary>
    private bool IsSeparateAuthentication(int index) =>
        _tree[index].Name == ApiserverSpans.Authentication && _tree.ParentOf(index) < 0 && IsApiserver(_tree[index].Service) && !HasRequestChild(index);

    private bool HasRequestChild(int index)
    {
        for (var child = _tree.FirstChildOf(index); child >= 0; child = _tree.NextSiblingOf(child))
            if (IsRequestSpan(_tree[child])) return true;
        return false;
    }

    /// <summary>
    /// Calls <paramref name="onRequest"/> for every apiserver request of the trace (the object is reused), and
    /// <paramref name="onSeparateAuthentication"/> for every authentication span that is a trace of its own.
    /// </summary>
    public void Walk(ScannedTrace trace, Action<ApiserverRequest> onRequest, Action<ScannedSpan>? onSeparateAuthentication = null)
    {
        _tree.Load(trace);
        for (var i = 0; i < _tree.Count; i++)
        {
            if (onSeparateAuthentication is not null && IsSeparateAuthentication(i)) onSeparateAuthentication(_tree[i]);
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
        request.StartUnixNano = root.StartUnixNano;
        request.EndUnixNano = RebuiltEnd(root);
        request.HasAuthenticationSpan = false;
        request.HasNestedFilters = false;
        request.HasEnvelopeSpans = false;
        request.Webhooks.Clear();
        request.Proxied.Clear();
        string? handlerVerb = null, verbAttribute = null, resource = null, subresource = null;
        foreach (var index in _nodes) _nodeOf[index] = -1;
        for (var n = 0; n < _nodes.Count; n++)
        {
            var index = _nodes[n];
            var span = _tree[index];
            _nodeOf[index] = n;
            var parent = n == 0 ? -1 : _nodeOf[_tree.ParentOf(index)];
            _parent[n] = parent;
            Clip(n, span, parent, request);
            var own = n == 0 ? ApiserverPhase.Rest : ApiserverPhase.Of(span.Name);
            if (own == ApiserverPhase.Authentication) request.HasAuthenticationSpan = true;
            else if (ApiserverPhase.IsFilterPhase(own)) request.HasNestedFilters = true;
            else if (own == ApiserverPhase.Encryption) request.HasEnvelopeSpans = true;
            if (own == ApiserverPhase.FirstWebhook) own = WebhookCallOf(index, span, request);
            _phase[n] = own == ApiserverPhase.None ? EnclosingPhase(n) : own;
            _underOutgoing[n] = false;
            if (parent >= 0 && _underOutgoing[parent])
            {
                // The extension server's (or the nested request's) spans: their time is the outgoing request's, counted once.
                _phase[n] = _phase[parent];
                _underOutgoing[n] = true;
                continue;
            }
            if (n > 0 && IsOutgoingRequest(span, _phase[n]))
            {
                _phase[n] = OutgoingPhase(span);
                _underOutgoing[n] = true;
                request.Proxied.Add(new ProxiedCall(_phase[n] == ApiserverPhase.AggregatedApi, PeerOf(span), span.DurationNanos, index));
                continue;
            }
            var verb = n == 0 ? null : ApiserverRoute.VerbOfHandler(span.Name);
            handlerVerb ??= verb;
            if (verb is not null || (own == ApiserverPhase.Etcd && ApiserverPhase.IsStorage(span.Name)))
            {
                verbAttribute ??= Attributes.Get(span, K8sKeys.Verb);
                resource ??= NonEmpty(Attributes.Get(span, K8sKeys.Resource));
                subresource ??= NonEmpty(Attributes.Get(span, K8sKeys.Subresource));
            }
        }
        SetVerbAndResource(request, root, handlerVerb, verbAttribute, resource, subresource);
        NameAggregatedResource(rootIndex, request);
        AdoptSiblingSerialization();
        var phases = _phaseNames.Count;
        if (request.PhaseTime.Length != phases) request.PhaseTime = new double[phases];
        else Array.Clear(request.PhaseTime);
        _start[0] = request.StartUnixNano;
        _end[0] = request.EndUnixNano;
        _sweep.Attribute(_nodes.Count, _parent, _start, _end, _phase, request.PhaseTime);
    }

    /// <summary>
    /// Through 1.31 the handlers do not put their span into the request context, so <c>SerializeObject</c> is the
    /// handler's sibling (kubernetes#124073) although the handler runs it: hung under the handler whose interval
    /// holds it, so that the two are not taken for concurrent work sharing the time.
    /// </summary>
    private void AdoptSiblingSerialization()
    {
        for (var n = 1; n < _nodes.Count; n++)
        {
            if (_phase[n] != ApiserverPhase.Serialization || _tree[_nodes[n]].Name != ApiserverSpans.SerializeObject) continue;
            for (var m = 1; m < _nodes.Count; m++)
                if (m != n && _parent[m] == _parent[n] && ApiserverSpans.IsHandler(_tree[_nodes[m]].Name) && _start[m] <= _start[n] && _end[n] <= _end[m])
                {
                    _parent[n] = m;
                    break;
                }
        }
    }

    /// <summary>
    /// When the request ended: the server span's end, or the last end among the apiserver's own spans under it when
    /// that is later. Only 1.33 needs it (the audit filter ends the server span before the handler runs); elsewhere
    /// the apiserver's spans lie inside their request. Spans of other processes (etcd) are left out: their clocks differ.
    /// </summary>
    private long RebuiltEnd(ScannedSpan root)
    {
        var end = root.EndUnixNano;
        for (var n = 1; n < _nodes.Count; n++)
        {
            var span = _tree[_nodes[n]];
            if (span.Service == root.Service && span.EndUnixNano > end) end = span.EndUnixNano;
        }
        return end;
    }

    /// <summary>
    /// Keeps every interval inside the request. A span of another process (etcd under the apiserver's client span)
    /// is also kept inside its parent: clocks of different machines disagree, and its time is its parent's.
    /// </summary>
    private void Clip(int n, ScannedSpan span, int parent, ApiserverRequest request)
    {
        var start = Math.Max(span.StartUnixNano, request.StartUnixNano);
        var end = Math.Min(span.EndUnixNano, request.EndUnixNano);
        if (parent >= 0 && _tree[_nodes[parent]].Service != span.Service)
        {
            start = Math.Max(start, _start[parent]);
            end = Math.Min(end, _end[parent]);
        }
        _start[n] = start;
        _end[n] = Math.Max(start, end);
    }

    /// <summary>
    /// The phase of the nearest ancestor whose interval holds the span, filters skipped. Not simply the parent's:
    /// through 1.32 the handler hangs under the authentication span that ended before it started, and from 1.34
    /// under the authorization span that encloses it; neither filter's time is the handler's.
    /// </summary>
    private int EnclosingPhase(int n)
    {
        for (var a = _parent[n]; a >= 0; a = _parent[a])
            if (!ApiserverPhase.IsFilterPhase(_phase[a]) && _start[a] <= _start[n] && _end[n] <= _end[a]) return _phase[a];
        return ApiserverPhase.Rest;
    }

    private int WebhookCallOf(int index, ScannedSpan span, ApiserverRequest request)
    {
        var configuration = Attributes.Get(span, K8sKeys.WebhookConfiguration) ?? "";
        var name = Attributes.Get(span, K8sKeys.Webhook) ?? "";
        var key = LabelPool.Join(configuration, '/', name);
        if (!_webhookPhases.TryGetValue(key, out var phase))
        {
            phase = _phaseNames.Count;
            _webhookPhases.Add(key, phase);
            _phaseNames.Add(key);
        }
        var resource = Attributes.Get(span, K8sKeys.Resource) is { } r ? ApiserverRoute.ResourceName(r) : "";
        if (NonEmpty(Attributes.Get(span, K8sKeys.Subresource)) is { } sub) resource = LabelPool.Join(resource, '/', sub);
        var (failed, timedOut) = WebhookOutcome.Of(_tree, index, Attributes);
        request.Webhooks.Add(new WebhookCall(phase, configuration, name, span.Name == ApiserverSpans.MutatingWebhook, resource,
            Attributes.Get(span, K8sKeys.AdmissionOperation) ?? "", span.DurationNanos, failed, timedOut, span.SpanId));
        return phase;
    }

    private void SetVerbAndResource(ApiserverRequest request, ScannedSpan root, string? handlerVerb, string? verbAttribute,
        string? resource, string? subresource)
    {
        var route = ApiserverRoute.PathOfSpanName(root.Name);
        // As recorded, query included (watch=true): Kubernetes' http.target (the request URI) beside url.path from
        // 1.35, otelhttp's own before 1.29. The parser reads a path in place, where the normalised url.path would
        // be a copy without the query.
        var recorded = Attributes.Get(root, ApiserverKeys.HttpTarget) ?? Attributes.Source(root, K8sKeys.UrlPath);
        var path = recorded is null ? route : recorded.AsSpan();
        var (pathResource, pathSubresource, named) = ApiserverRoute.Parse(path);
        // The templated route ({:name}) can say "one object" where the recorded path does not.
        if (recorded is not null && !route.IsEmpty && ApiserverRoute.Parse(route).Named) named = true;
        resource ??= pathResource;
        subresource ??= pathSubresource;
        if (resource is null) named = true; // a non-resource GET (/healthz, /metrics) reads one thing
        var method = Attributes.Get(root, K8sKeys.HttpMethod) ?? ApiserverRoute.MethodOfSpanName(root.Name) ?? "GET";
        request.Verb = handlerVerb ?? ApiserverRoute.VerbOf(verbAttribute ?? method, named, path);
        request.Resource = resource is null ? "(non-resource)" : subresource is null ? resource : LabelPool.Join(resource, '/', subresource);
    }

    /// <summary>
    /// An otelhttp client span of the apiserver's own under the request, outside admission webhooks: the
    /// aggregator's proxy (1.31+) or a loopback call. Webhook calls' <c>HTTP POST</c> keep their webhook's phase.
    /// </summary>
    private static bool IsOutgoingRequest(ScannedSpan span, int enclosingPhase) =>
        span.Kind == Span.Types.SpanKind.Client && IsApiserver(span.Service) && enclosingPhase < ApiserverPhase.FirstWebhook
        && span.Name.StartsWith("HTTP ", StringComparison.Ordinal);

    /// <summary>A call to the apiserver's own loopback address is a nested request; any other the aggregator's proxy.</summary>
    private int OutgoingPhase(ScannedSpan span)
    {
        var host = PeerHost(span);
        return host is "127.0.0.1" or "::1" or "localhost" or "[::1]" ? ApiserverPhase.NestedRequests : ApiserverPhase.AggregatedApi;
    }

    private string PeerHost(ScannedSpan span)
    {
        var host = Attributes.Get(span, "server.address") ?? Attributes.Get(span, "net.peer.name");
        if (host is not null) return host;
        var hostPort = Attributes.Get(span, "http.host") ?? "";
        var colon = hostPort.LastIndexOf(':');
        return colon > 0 ? hostPort[..colon] : hostPort;
    }

    /// <summary>The address the call went to, <c>host:port</c> (the proxy records the service's IP, not its name).</summary>
    private string PeerOf(ScannedSpan span)
    {
        if (Attributes.Get(span, "http.host") is { } hostPort) return hostPort;
        var port = Attributes.Get(span, "server.port") ?? Attributes.Get(span, "net.peer.port") ?? "443";
        return LabelPool.Join(PeerHost(span), ':', port);
    }

    /// <summary>
    /// A resource outside kube-apiserver's own groups (a custom resource, an aggregated API) is named with its group
    /// (<c>pods.metrics.k8s.io</c>). On kube-apiserver's side of the aggregator's proxy the address it dialled is
    /// added (<c>via 10.96.112.40:443</c>: the spans carry no service name); the extension server's own request,
    /// when it followed the proxy's context, is marked <c>(extension)</c>.
    /// </summary>
    private void NameAggregatedResource(int rootIndex, ApiserverRequest request)
    {
        var proxy = request.Proxied.FindIndex(p => p.Aggregated);
        var parent = _tree.ParentOf(rootIndex);
        var servedForProxy = parent >= 0 && IsOutgoingRequest(_tree[parent], ApiserverPhase.Rest) && OutgoingPhase(_tree[parent]) == ApiserverPhase.AggregatedApi;
        var root = _tree[rootIndex];
        var path = Attributes.Get(root, ApiserverKeys.HttpTarget) ?? Attributes.Source(root, K8sKeys.UrlPath) ?? "";
        var group = GroupOfPath(path);
        var resource = request.Resource;
        if (!BuiltInApiGroups.Contains(group) && resource != "(non-resource)")
        {
            var slash = resource.IndexOf('/'); // the group goes with the resource, before a subresource: widgets.example.com/status
            resource = slash < 0 ? LabelPool.Join(resource, '.', group) : $"{resource[..slash]}.{group}{resource[slash..]}";
        }
        request.Resource = proxy >= 0 ? $"{resource} via {request.Proxied[proxy].Peer}" : servedForProxy ? resource + " (extension)" : resource;
    }

    /// <summary>The API group of <c>/apis/&lt;group&gt;/&lt;version&gt;/...</c>; empty for the core group.</summary>
    private static string GroupOfPath(string path)
    {
        const string prefix = "/apis/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal)) return "";
        var end = path.IndexOf('/', prefix.Length);
        return end < 0 ? path[prefix.Length..] : path[prefix.Length..end];
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
        _underOutgoing = new bool[size];
    }
}
