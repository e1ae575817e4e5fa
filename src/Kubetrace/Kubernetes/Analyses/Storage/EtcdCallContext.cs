using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Storage.Scan;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Analyses.Storage;

/// <summary>
/// What an etcd gRPC span in a trace is for, read from the spans around it as each release builds them
/// (<see cref="ApiserverStorageCatalog"/>, <see cref="EtcdCatalog"/>): the apiserver operation it ran under (the
/// storage span, the cacher span, or for a GET, which has no storage span, the handler) and the resource, from
/// the nearest of those spans that names one; failing that from etcd 3.7's own request span under etcd's server
/// span (<c>range_begin</c>, <c>compare_first_key</c>).
/// </summary>
public sealed class EtcdCallContext
{
    /// <summary>The raw attribute keys beyond the normalised ones this reads.</summary>
    public static readonly string[] RawKeys =
        [StorageKeys.Group, StorageKeys.Type, "url", EtcdKeys.RangeBegin, EtcdKeys.CompareFirstKey];

    /// <summary>The normalised keys this reads.</summary>
    public static readonly string[] NormalisedKeys = [K8sKeys.Resource, K8sKeys.EtcdKey, K8sKeys.ApiGroup, K8sKeys.Verb, K8sKeys.RpcMethod, K8sKeys.RpcStatus];

    private readonly ScannedAttributes _attributes;
    private readonly TraceTree _tree;

    public EtcdCallContext(ScannedAttributes attributes, TraceTree tree)
    {
        _attributes = attributes;
        _tree = tree;
    }

    /// <summary>An etcd RPC span, client or server side, but not a watch stream (open as long as its watcher: no latency).</summary>
    public static bool IsCall(ScannedSpan span) => ApiserverPhase.IsEtcdRpc(span.Name) && !ApiserverPhase.IsEtcdWatch(span.Name);

    /// <summary>
    /// Whether the etcd call at <paramref name="index"/> is measured on this span: the apiserver's client span, or
    /// etcd's server span when no client span is above it (each call is measured once).
    /// </summary>
    public bool IsMeasuredOn(int index)
    {
        var span = _tree[index];
        return IsCall(span) && (span.Kind == SpanKind.Client || span.Kind == SpanKind.Server && !IsUnderClientSpan(index));
    }

    /// <summary>Whether the span at <paramref name="index"/> is etcd's server span under the apiserver's client span of the same call.</summary>
    public bool IsUnderClientSpan(int index)
    {
        var parent = _tree.ParentOf(index);
        return parent >= 0 && _tree[parent].Kind == SpanKind.Client && ApiserverPhase.IsEtcdRpc(_tree[parent].Name);
    }

    /// <summary>The etcd server span answering the client span at <paramref name="client"/>, or -1.</summary>
    public int ServerOf(int client)
    {
        for (var c = _tree.FirstChildOf(client); c >= 0; c = _tree.NextSiblingOf(c))
            if (_tree[c].Kind == SpanKind.Server && ApiserverPhase.IsEtcdRpc(_tree[c].Name)) return c;
        return -1;
    }

    /// <summary>The apiserver operation an etcd call at <paramref name="index"/> ran under and the resource it is for.</summary>
    public (string Operation, string Resource) Describe(int index)
    {
        // A named resource beats a key: keys of built-in groups do not carry the group (/deployments/…).
        string? operation = null, resource = null, key = null;
        var steps = 0;
        for (var a = _tree.ParentOf(index); a >= 0 && steps++ < _tree.Count && resource is null; a = _tree.ParentOf(a))
        {
            var span = _tree[a];
            if (span.Kind == SpanKind.Client && ApiserverPhase.IsEtcdRpc(span.Name)) continue; // etcd's server span's own client
            if (ApiserverPhase.IsStorage(span.Name))
                resource = StorageResource.FromAttributes(_attributes.Get(span, K8sKeys.Resource), _attributes.Get(span, StorageKeys.Group));
            else if (span.Name.StartsWith("cacher", StringComparison.Ordinal))
                resource = _attributes.Get(span, StorageKeys.Type);
            else if (_attributes.Get(span, K8sKeys.Verb) is not null)
                resource = StorageResource.FromHandler(_attributes.Get(span, K8sKeys.Resource), _attributes.Get(span, K8sKeys.ApiGroup), _attributes.Get(span, "url"));
            else continue;
            operation ??= span.Name;
            key ??= _attributes.Get(span, K8sKeys.EtcdKey);
        }
        resource ??= StorageResource.FromKey(key) ?? FromEtcdRequestSpan(index);
        if (resource is null && MethodOf(_tree[index]) == "KV/Compact") resource = StorageResource.Compaction;
        return (operation ?? "", resource ?? StorageResource.Unknown);
    }

    /// <summary><c>KV/Range</c>: the method without etcd's package name, from rpc.method (old or new form) or the span name.</summary>
    public string MethodOf(ScannedSpan span)
    {
        var method = _attributes.Get(span, K8sKeys.RpcMethod) is { } rpc && rpc.Contains('/') ? rpc : span.Name;
        return method.StartsWith("etcdserverpb.", StringComparison.Ordinal) ? Analysis.LabelPool.Get(method.AsSpan("etcdserverpb.".Length)) : method;
    }

    /// <summary>Whether the call failed: an error status, or a gRPC status other than OK.</summary>
    public bool Failed(ScannedSpan span) => span.IsError || _attributes.Get(span, K8sKeys.RpcStatus) is { } status && status != "OK";

    /// <summary>etcd 3.7's request span (<c>range</c>, <c>txn</c>, …) under the server span of the call: its key names the resource.</summary>
    private string? FromEtcdRequestSpan(int index)
    {
        var server = _tree[index].Kind == SpanKind.Server ? index : ServerOf(index);
        if (server < 0) return null;
        for (var c = _tree.FirstChildOf(server); c >= 0; c = _tree.NextSiblingOf(c))
            if (StorageResource.FromKey(_attributes.Get(_tree[c], EtcdKeys.RangeBegin) ?? _attributes.Get(_tree[c], EtcdKeys.CompareFirstKey)) is { } resource)
                return resource;
        return null;
    }
}
