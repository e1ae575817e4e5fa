namespace Kubetrace.Query.Access;

/// <summary>
/// The listings namespace-scoped readers get (services, operations, attribute names and values), kept per grant.
/// Storage's name indexes span every namespace, so a scoped listing is a scan of every stored span
/// (<see cref="ScopedTraceStore"/>); this cache makes that scan run once per grant while the store is unchanged
/// (<see cref="Storage.ITraceStore.Generation"/>), and at most once per <see cref="Refresh"/> while it changes (or
/// when the store cannot tell), however many readers ask: readers asking at once share one scan. One per store,
/// shared by every reader of it (<see cref="QueryEngine.ScopedListings"/>).
/// </summary>
/// <remarks>
/// An answer is keyed by <see cref="ReadGrant.Key"/>, so a reader only ever gets what a scan through its own grant
/// produced. Bounded: at most <see cref="Capacity"/> answers (the oldest go first), each bounded as its listing is.
/// </remarks>
public sealed class ScopedListingCache(TimeProvider? clock = null, TimeSpan? refresh = null)
{
    /// <summary>How stale a listing may get while the store changes: names stored since then show up within this.</summary>
    public static readonly TimeSpan DefaultRefresh = TimeSpan.FromSeconds(10);

    public const int Capacity = 256;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public TimeSpan Refresh { get; } = refresh ?? DefaultRefresh;

    /// <summary>Answers held (for tests and figures).</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    /// <summary>
    /// The answer for <paramref name="key"/>: the one held if it was computed at <paramref name="generation"/>, or
    /// less than <see cref="Refresh"/> ago, or is being computed; otherwise <paramref name="compute"/>'s, which then
    /// runs to the end even if this caller gives up (the next reader gets it).
    /// </summary>
    /// <param name="generation">The store's generation read before computing (null: unknown).</param>
    public async ValueTask<T> GetAsync<T>(string key, long? generation, Func<Task<T>> compute, CancellationToken cancellationToken)
        where T : class
    {
        Task<object> answer;
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            if (!_entries.TryGetValue(key, out var entry) || !Serves(entry, generation, now))
            {
                entry = new Entry(generation, now, Task.Run(async () => (object)await compute().ConfigureAwait(false), CancellationToken.None));
                _entries[key] = entry;
                if (_entries.Count > Capacity) _entries.Remove(_entries.MinBy(e => e.Value.ComputedAt).Key);
            }
            answer = entry.Answer;
        }
        return (T)await answer.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private bool Serves(Entry entry, long? generation, long now)
    {
        if (!entry.Answer.IsCompleted) return true;
        if (!entry.Answer.IsCompletedSuccessfully) return false; // a failed scan is not kept
        if (generation is not null && entry.Generation == generation) return true;
        return _clock.GetElapsedTime(entry.ComputedAt, now) < Refresh;
    }

    private sealed record Entry(long? Generation, long ComputedAt, Task<object> Answer);
}
