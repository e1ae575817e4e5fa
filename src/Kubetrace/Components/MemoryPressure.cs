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
    private readonly ConcurrentDictionary<object, Func<Task<bool>>> _releases = new();

    /// <summary>Registers what to do under memory pressure; disposing the result unregisters it.</summary>
    /// <param name="release">Releases what the component holds; true if it held anything (false: nothing to give up).</param>
    public IDisposable OnPressure(Func<Task<bool>> release)
    {
        var key = new object();
        _releases[key] = release;
        return new Registration(() => _releases.TryRemove(key, out _));
    }

    /// <summary>True while the memory limiter refuses data: background work that would allocate much (the store's
    /// compaction and rollup builds) waits.</summary>
    public bool IsHigh => Volatile.Read(ref _high);

    private bool _high;

    /// <summary>Set by the memory limiter as it starts and stops refusing.</summary>
    public void Report(bool high) => Volatile.Write(ref _high, high);

    /// <summary>Whether anything registered: without, pressure can only be met by refusing and collecting.</summary>
    public bool CanRelease => !_releases.IsEmpty;

    /// <summary>Asks every registered component to release what it holds; completes when all have, with true if any
    /// held something. False tells the limiter that memory still above its limit is not data it could shed.</summary>
    public async Task<bool> ReleaseAsync() => (await Task.WhenAll(_releases.Values.Select(release => release())).ConfigureAwait(false)).Contains(true);

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
