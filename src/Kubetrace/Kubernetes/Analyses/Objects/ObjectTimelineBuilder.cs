using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Analyses.Objects;

/// <summary>
/// Builds an object's timeline without scanning: the traces whose spans name the object are found through the
/// attribute index (apiserver handler <c>namespace</c>+<c>name</c>, kubelet <c>k8s.pod</c> / <c>k8s.pod.uid</c>),
/// read whole, and the spans that name it kept with the request around them and everything under them (webhooks,
/// storage and etcd, CRI and containerd). Span links then join the traces on the other side: a client's call and
/// the apiserver request it caused are separate traces in Kubernetes (see ObjectTimelineBuilder.Links.cs).
/// </summary>
public sealed partial class ObjectTimelineBuilder(ITraceStore store, TimeRange range, string? resource, int maxTraces)
{
    /// <summary>Most rows a timeline holds (the earliest are kept).</summary>
    public const int MaxEntries = 5_000;

    private static readonly string[] Keys =
    [
        K8sKeys.Namespace, K8sKeys.ObjectName, K8sKeys.PodUid, K8sKeys.Resource, K8sKeys.Subresource, K8sKeys.ApiGroup, K8sKeys.Verb, K8sKeys.AuditId,
        K8sKeys.EtcdKey, K8sKeys.Webhook, K8sKeys.Image, K8sKeys.HttpStatusCode, K8sKeys.RpcStatus, K8sKeys.Node, K8sKeys.UrlPath,
    ];

    private readonly ScannedAttributes _attributes = new(range, Keys);
    private readonly Dictionary<TraceId, (ScannedTrace Trace, SpanTree Tree, bool Found)> _traces = [];
    private readonly Dictionary<(TraceId, ulong), Row> _rows = [];
    private readonly List<string> _notes = [];

    public async Task<ObjectTimeline> BuildAsync(ObjectRef target, CancellationToken cancellationToken)
    {
        if (target.Uid is { } uid)
        {
            await FindAsync([Condition.Attribute("k8s.pod.uid", uid, AttributeScope.Span)], cancellationToken).ConfigureAwait(false);
            target = ResolveUid(target);
        }
        if (target.HasName)
        {
            foreach (var conditions in Searches(target))
                await FindAsync(conditions, cancellationToken).ConfigureAwait(false);
            // Kubernetes 1.27/1.28 handler spans carry no namespace or name: their request path does.
            if (target.Namespace is { } ns)
            {
                _urlResource = resource ?? "pods";
                var before = _traces.Count;
                await FindAsync([Condition.Attribute(ApiserverKeys.Url, CorePath(ns, _urlResource, target.Name!), AttributeScope.Span)], cancellationToken)
                    .ConfigureAwait(false);
                if (_traces.Count > before)
                    _notes.Add($"found by request path (/api/v1/namespaces/{ns}/{_urlResource}/{target.Name}): the handler spans carry no namespace and name " +
                        "before Kubernetes 1.29" + (resource is null ? "; give --resource for an object that is not a pod" : ""));
            }
            // A create is addressed to the collection (the handler span has no name): its etcd write names the key.
            foreach (var key in EtcdKeys(target).ToList())
                await FindAsync([Condition.Attribute("key", key, AttributeScope.Span)], cancellationToken).ConfigureAwait(false);
        }
        foreach (var (id, entry) in _traces.ToList())
            if (!AddAnchors(id, entry.Tree, target)) _traces.Remove(id); // storage may over-return: re-checked here
        await FollowLinksAsync(cancellationToken).ConfigureAwait(false);
        await FollowLinksInAsync(cancellationToken).ConfigureAwait(false);
        return Timeline(target);
    }

    /// <summary>The indexed lookups for a named object (each: all conditions on one span).</summary>
    private static IEnumerable<Condition[]> Searches(ObjectRef target)
    {
        if (target.Namespace is { } ns)
        {
            yield return [Condition.Attribute("namespace", ns, AttributeScope.Span), Condition.Attribute("name", target.Name!, AttributeScope.Span)];
            yield return [Condition.Attribute("k8s.pod", ns + "/" + target.Name, AttributeScope.Span)];
            yield return [Condition.Attribute("k8s.namespace.name", ns, AttributeScope.Span), Condition.Attribute("k8s.pod.name", target.Name!, AttributeScope.Span)];
        }
        else yield return [Condition.Attribute("name", target.Name!, AttributeScope.Span)];
    }

    /// <summary>
    /// The object's etcd keys for the resources its spans name (pods when kubelet syncs it, and <c>--resource</c>),
    /// each looked up exactly through the index: as the storage spans record them, before the apiserver adds its
    /// prefix (<c>/[group/]resource/namespace/name</c>, nodes as <c>minions</c>), and with the <c>/registry</c> prefix as etcd stores them.
    /// </summary>
    private IEnumerable<string> EtcdKeys(ObjectRef target)
    {
        var resources = new HashSet<(string? Group, string Resource)>();
        if ((resource ?? _urlResource) is { } named) resources.Add((null, named));
        foreach (var (trace, _, _) in _traces.Values)
        foreach (var span in trace.Spans)
        {
            if (_attributes.Get(span, K8sKeys.ObjectName) != target.Name || ClusterScopedAsNull(_attributes.Get(span, K8sKeys.Namespace)) != target.Namespace) continue;
            var spanResource = _attributes.Get(span, K8sKeys.Resource);
            if (spanResource is null) resources.Add((null, "pods")); // kubelet's spans: the object is a pod
            else if (resource is null || spanResource == resource) resources.Add((_attributes.Get(span, K8sKeys.ApiGroup), spanResource));
        }
        var objectPath = target.Namespace is null ? target.Name : target.Namespace + "/" + target.Name;
        foreach (var (group, name) in resources)
        foreach (var prefix in KeyPrefixes)
        {
            // The storage spans record the key before the /registry prefix is added (nodes are stored as minions).
            var stored = name == "nodes" ? "minions" : name;
            yield return $"{prefix}/{stored}/{objectPath}";
            if (!string.IsNullOrEmpty(group)) yield return $"{prefix}/{group}/{stored}/{objectPath}";
        }
    }

    /// <summary>A handler span of a cluster-scoped object (a node) says <c>namespace=""</c>; the target then has none.</summary>
    private static string? ClusterScopedAsNull(string? ns) => string.IsNullOrEmpty(ns) ? null : ns;

    private static readonly string[] KeyPrefixes = ["", "/registry"];

    /// <summary>The resource whose request paths were searched (1.27/1.28), or null.</summary>
    private string? _urlResource;

    private static string CorePath(string ns, string resource, string name) => $"/api/v1/namespaces/{ns}/{resource}/{name}";

    /// <summary>The object's path, or one of its subresources' (<c>.../pods/web-1/status</c>).</summary>
    private static bool IsPathOf(string path, string objectPath) =>
        path.StartsWith(objectPath, StringComparison.Ordinal) && (path.Length == objectPath.Length || path[objectPath.Length] == '/');

    private async Task FindAsync(Condition[] conditions, CancellationToken cancellationToken)
    {
        var matches = await store.FetchAsync(new FetchRequest(range, conditions, AllConditions: true, maxTraces), cancellationToken)
            .ConfigureAwait(false);
        if (matches.Count >= maxTraces)
            _notes.Add($"more than {maxTraces} traces match {string.Join(" and ", conditions.Select(c => c.Key + "=" + c.Value))}: the most recent {maxTraces} are shown (--limit)");
        foreach (var match in matches.Take(maxTraces))
            await LoadAsync(match.Summary.TraceId, found: true, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> LoadAsync(TraceId id, bool found, CancellationToken cancellationToken)
    {
        if (_traces.ContainsKey(id)) return true;
        var spans = await store.GetTraceAsync(id, cancellationToken).ConfigureAwait(false);
        if (spans is null) return false;
        var trace = new ScannedTrace();
        TraceObjectScan.Fill(trace, id, spans, _attributes.Request);
        _traces[id] = (trace, new SpanTree(trace.Spans), found);
        return true;
    }

    /// <summary>A UID names a pod: kubelet's spans with that UID also give its namespace and name.</summary>
    private ObjectRef ResolveUid(ObjectRef target)
    {
        foreach (var (trace, _, _) in _traces.Values)
        foreach (var span in trace.Spans)
        {
            if (_attributes.Get(span, K8sKeys.PodUid) != target.Uid) continue;
            if (_attributes.Get(span, K8sKeys.Namespace) is { } ns && _attributes.Get(span, K8sKeys.ObjectName) is { } name)
            {
                _notes.Add($"UID {target.Uid} is pod {ns}/{name}");
                return target with { Namespace = ns, Name = name };
            }
        }
        _notes.Add($"no span gives the namespace and name of UID {target.Uid}: only spans carrying the UID are shown");
        return target;
    }

    /// <summary>Adds the spans of a trace that name the object, the spans around and under them; false when none does.</summary>
    private bool AddAnchors(TraceId id, SpanTree tree, ObjectRef target)
    {
        var anchors = tree.Nodes.Select(n => (Node: n, How: Names(n.Span, target))).Where(a => a.How is not null).ToList();
        // A request path names the object on the server span and its handler alike: the handler is the anchor.
        if (anchors.Any(a => a.How!.StartsWith("request path", StringComparison.Ordinal) && a.Node.Span.Kind != SpanKind.Server))
            anchors.RemoveAll(a => a.How!.StartsWith("request path", StringComparison.Ordinal) && a.Node.Span.Kind == SpanKind.Server);
        // A create names only the collection; its handler (verb, resource) writing the object's key is about the
        // object too, with its admission webhooks.
        foreach (var (node, how) in anchors.ToList())
            if (how!.StartsWith("etcd key", StringComparison.Ordinal)
                && node.Ancestors().FirstOrDefault(a => _attributes.Get(a.Span, K8sKeys.Verb) is not null) is { } handler
                && anchors.TrueForAll(a => a.Node != handler))
                anchors.Add((handler, "request writing " + how["etcd ".Length..]));
        foreach (var (node, how) in anchors)
        {
            var relation = how!.StartsWith("etcd key", StringComparison.Ordinal) || how.StartsWith("request writing", StringComparison.Ordinal)
                ? TimelineRelation.EtcdKey : TimelineRelation.Attribute;
            Add(id, node, relation, how);
            foreach (var descendant in node.Descendants()) Add(id, descendant, TimelineRelation.Under, "under " + node.Span.Name);
            foreach (var ancestor in node.Ancestors()) Add(id, ancestor, TimelineRelation.Encloses, "encloses " + node.Span.Name);
        }
        return anchors.Count > 0;
    }

    /// <summary>How the span names the object, or null when it does not.</summary>
    private string? Names(ScannedSpan span, ObjectRef target)
    {
        if (target.Uid is not null && _attributes.Get(span, K8sKeys.PodUid) == target.Uid) return "k8s.pod.uid " + target.Uid;
        if (target.Name is null) return null;
        var key = _attributes.Get(span, K8sKeys.EtcdKey);
        if (target.IsKey(key) && (resource is null || key!.Contains("/" + resource + "/", StringComparison.Ordinal))) return "etcd key " + key;
        if (_urlResource is { } byUrl && target.Namespace is { } ns && _attributes.Get(span, K8sKeys.ObjectName) is null
            && _attributes.Get(span, K8sKeys.UrlPath) is { } path && IsPathOf(path, CorePath(ns, byUrl, target.Name)))
            return $"request path {path}";
        if (_attributes.Get(span, K8sKeys.ObjectName) != target.Name || ClusterScopedAsNull(_attributes.Get(span, K8sKeys.Namespace)) != target.Namespace) return null;
        var spanResource = _attributes.Get(span, K8sKeys.Resource);
        if (resource is not null && (spanResource ?? "pods") != resource) return null;
        return spanResource is not null ? $"{spanResource} {target}" : "k8s.pod " + target;
    }

    private void Add(TraceId id, SpanTree.Node node, TimelineRelation relation, string how)
    {
        var key = (id, node.Span.SpanId);
        if (_rows.TryGetValue(key, out var existing) && existing.Relation <= relation) return;
        _rows[key] = new Row(id, node, relation, how);
    }

    private ObjectTimeline Timeline(ObjectRef target)
    {
        var ordered = _rows.Values
            .OrderBy(r => r.Node.Span.StartUnixNano).ThenBy(r => r.Node.Depth).ThenBy(r => r.Node.Span.SpanId)
            .ToList();
        if (ordered.Count > MaxEntries)
            _notes.Add($"the timeline has {AnalysisText.Count(ordered.Count)} spans: the first {MaxEntries} are shown (narrow it with --since or --resource)");
        var entries = ordered.Take(MaxEntries).Select(Entry).ToList();
        var traces = entries.Select(e => e.TraceId).Distinct()
            .Select(id => _traces.First(t => t.Key.ToString() == id))
            .Select(t => TraceOf(t.Key, t.Value.Tree, t.Value.Found))
            .ToList();
        if (entries.Count == 0)
            _notes.Add($"no span in the range names {target}{(resource is null ? "" : $" as {resource}")}: apiserver handler spans (namespace, name), kubelet syncPod (k8s.pod, k8s.pod.uid) and etcd keys were searched");
        return new ObjectTimeline(target.ToString(), target.Namespace, target.Name, target.Uid, traces, entries, _notes);
    }

    private TimelineTrace TraceOf(TraceId id, SpanTree tree, bool found)
    {
        var root = tree.MainRoot!;
        return new TimelineTrace(id.ToString(), root.Span.Service, root.Span.Name, found, tree.Nodes.Count())
        {
            LinksIn = _linksIn.Contains(id), Sampling = Analysis.Sampling.TraceSampling.RootBasisOf(tree.Nodes.Select(n => n.Span)),
        };
    }

    private TimelineEntry Entry(Row row)
    {
        var span = row.Node.Span;
        var how = row.Also.Count == 0 ? row.How : row.How + "; " + string.Join("; ", row.Also);
        return new TimelineEntry(span.StartUnixNano, span.DurationNanos, span.Service, _attributes.Get(span, K8sKeys.Node),
            SpanDescription.Operation(span, _attributes), span.Name, row.TraceId.ToString(), SpanTree.Hex(span.SpanId), row.Node.Depth,
            SpanDescription.Status(span, _attributes), span.IsError, row.Relation, how, AuditIdOf(row.Node));
    }

    /// <summary>The request's audit ID: the span's own, an enclosing span's, or the first one below it.</summary>
    private string? AuditIdOf(SpanTree.Node node) =>
        new[] { node }.Concat(node.Ancestors()).Concat(node.Descendants())
            .Select(n => _attributes.Get(n.Span, K8sKeys.AuditId)).FirstOrDefault(a => a is not null);

    private sealed class Row(TraceId traceId, SpanTree.Node node, TimelineRelation relation, string how)
    {
        public TraceId TraceId { get; } = traceId;
        public SpanTree.Node Node { get; } = node;
        public TimelineRelation Relation { get; } = relation;
        public string How { get; } = how;
        public List<string> Also { get; } = [];
    }
}
