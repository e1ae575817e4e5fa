using Kubetrace.Components;

namespace Kubetrace.Config;

/// <summary>
/// The factories a configuration may name. The service uses <see cref="Default"/> (the <see cref="ComponentRegistry"/>);
/// tests pass their own small factories.
/// </summary>
public sealed class ComponentCatalog
{
    private readonly List<IComponentFactory> _factories;

    public ComponentCatalog(IEnumerable<IComponentFactory> factories) => _factories = factories.ToList();

    public static ComponentCatalog Default =>
        new(ComponentRegistry.Receivers.Cast<IComponentFactory>()
            .Concat(ComponentRegistry.Processors)
            .Concat(ComponentRegistry.Exporters)
            .Concat(ComponentRegistry.Extensions));

    public IReadOnlyList<IComponentFactory> All => _factories;

    public IComponentFactory? Find(ComponentKind kind, string type) =>
        _factories.FirstOrDefault(f => f.Kind == kind && f.Type == type);

    public IEnumerable<string> TypesOf(ComponentKind kind) =>
        _factories.Where(f => f.Kind == kind).Select(f => f.Type).Order(StringComparer.Ordinal);
}
