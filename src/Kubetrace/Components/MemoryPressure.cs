using System.Collections.Concurrent;

namespace Kubetrace.Components;

/// <summary>
/// Where the <c>memory_limiter</c> asks the components holding memory they could give up (the embedded store's
/// in-memory head) to give it up. One per running service, like <see cref="ComponentDirectory"/>.
/// </summary>
/// <remarks>
/// Refusing data alone cannot bring memory down when most of it is held by the store: the head keeps its spans
/// until it is cut, so a process measured above its limit would refuse every request for minutes (0 spans/s).
/// Tempo's ingester cuts its head block by size for the same reason; here the limiter also asks for a cut when it
/// starts refusing, and collects garbage once the cut is written.
/// </remarks>
public sealed class MemoryPressure
{
    private readonly ConcurrentDictionary<object, Func<Task>> _releases = new();

    /// <summary>Registers what to do under memory pressure; disposing the result unregisters it.</summary>
    public IDisposable OnPressure(Func<Task> release)
    {
        var key = new object();
        _releases[key] = release;
        return new Registration(() => _releases.TryRemove(key, out _));
    }

    /// <summary>Whether anything registered: without, pressure can only be met by refusing and collecting.</summary>
    public bool CanRelease => !_releases.IsEmpty;

    /// <summary>Asks every registered component to release what it holds; completes when all have.</summary>
    public Task ReleaseAsync() => Task.WhenAll(_releases.Values.Select(release => release()));

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
