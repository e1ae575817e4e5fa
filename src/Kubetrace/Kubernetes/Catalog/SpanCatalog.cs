namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// Every span shape and component tracing rule of the catalog, per component file (<see cref="ApiserverCatalog"/>, <see cref="ApiserverStorageCatalog"/>,
/// <see cref="EtcdCatalog"/>, <see cref="KubeletCatalog"/>, <see cref="ContainerdCatalog"/>), each row citing the
/// upstream source at its release tag. docs/catalog.md is rendered from it (<see cref="CatalogMarkdown"/>).
/// </summary>
public static class SpanCatalog
{
    public static IReadOnlyList<SpanShape> Spans { get; } =
        [.. ApiserverCatalog.Spans, .. ApiserverStorageCatalog.Spans, .. EtcdCatalog.Spans, .. KubeletCatalog.Spans, .. ContainerdCatalog.Spans];

    public static IReadOnlyList<ComponentTracing> Components { get; } =
        [.. ApiserverCatalog.Components, .. ApiserverStorageCatalog.Components, .. EtcdCatalog.Components, .. KubeletCatalog.Components, .. ContainerdCatalog.Components];

    /// <summary>The shapes <paramref name="component"/> emits in <paramref name="release"/>.</summary>
    public static IEnumerable<SpanShape> SpansOf(string component, ComponentRelease release) =>
        Spans.Where(s => s.Component == component && s.Releases.Contains(release));

    /// <summary>The component's tracing rule in <paramref name="release"/>, or null when the catalog has none.</summary>
    public static ComponentTracing? TracingOf(string component, ComponentRelease release) =>
        Components.FirstOrDefault(c => c.Component == component && c.Releases.Contains(release));
}
