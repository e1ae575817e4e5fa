namespace Kubetrace.Kubernetes.Catalog;

/// <summary>What the apiserver's storage layer (storage, cacher, etcd client, KMS transformers) emits per release, from its upstream source (filled in by the Kubernetes truth work, issue 9).</summary>
public static class ApiserverStorageCatalog
{
    public static IReadOnlyList<SpanShape> Spans { get; } = [];

    public static IReadOnlyList<ComponentTracing> Components { get; } = [];
}
