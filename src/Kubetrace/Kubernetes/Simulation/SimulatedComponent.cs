using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// One process that exports spans (the apiserver, etcd, a node's kubelet or containerd, a traced client), with
/// the resource its exporter sends and what it has sent so far.
/// </summary>
internal sealed class SimulatedComponent
{
    public SimulatedComponent(int index, string serviceName, string? node, bool hostNameAttribute,
        params (string Key, string Value)[] extraAttributes)
    {
        Index = index;
        ServiceName = serviceName;
        Node = node;
        var hostName = hostNameAttribute ? node : null;
        Resource = new Resource();
        Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = serviceName } });
        foreach (var (key, value) in extraAttributes)
            Resource.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        if (hostName is not null)
            Resource.Attributes.Add(new KeyValue { Key = "host.name", Value = new AnyValue { StringValue = hostName } });
    }

    public int Index { get; }

    public string ServiceName { get; }

    /// <summary>The node a kubelet or containerd runs on (its <c>host.name</c> when its exporter sends one), or null.</summary>
    public string? Node { get; }

    /// <summary>Shared by every export of this component: callers must not change it.</summary>
    public Resource Resource { get; }

    public long Spans { get; set; }

    /// <summary>Recorded root spans: traces this component started.</summary>
    public long Traces { get; set; }

    /// <summary>OTLP export requests.</summary>
    public long Batches { get; set; }
}
