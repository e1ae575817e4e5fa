namespace Kubetrace.Kubernetes.Catalog;

/// <summary>What etcd emits per release, from its upstream source (filled in by the Kubernetes truth work, issue 9).</summary>
public static class EtcdCatalog
{
    public static IReadOnlyList<SpanShape> Spans { get; } = [];

    public static IReadOnlyList<ComponentTracing> Components { get; } = [];
}
