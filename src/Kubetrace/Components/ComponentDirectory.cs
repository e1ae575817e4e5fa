using System.Collections.Concurrent;

namespace Kubetrace.Components;

/// <summary>
/// Lets one component find another by its configured ID, the way Jaeger v2's query extension names the storage
/// it reads (<c>kubetrace_query: { storage: kubetrace }</c>). One directory per running service.
/// </summary>
/// <remarks>
/// Components publish themselves when their factory creates them: the service builds every component before it
/// starts any, so a component can check at start-up that what it names exists. What is published may not be
/// started yet (the service starts extensions before exporters), so consumers resolve what they need lazily, at
/// use, rather than holding on to it at start-up.
/// </remarks>
public sealed class ComponentDirectory
{
    private readonly ConcurrentDictionary<(ComponentKind Kind, ComponentId Id), object> _published = new();

    public void Publish(ComponentKind kind, ComponentId id, object component) => _published[(kind, id)] = component;

    public T? Find<T>(ComponentKind kind, ComponentId id) where T : class =>
        _published.TryGetValue((kind, id), out var found) ? found as T : null;

    /// <summary>Every published component that is a <typeparamref name="T"/>, whatever its kind and ID.</summary>
    public IReadOnlyList<T> All<T>() where T : class => _published.Values.OfType<T>().ToList();
}
