namespace Kubetrace.Kubernetes.Catalog;

/// <summary>What apiserver emits per release, from its upstream source (filled in by the Kubernetes truth work, issue 9).</summary>
public static class ApiserverCatalog
{
    public static IReadOnlyList<SpanShape> Spans { get; } = [];

    public static IReadOnlyList<ComponentTracing> Components { get; } = [];
}
