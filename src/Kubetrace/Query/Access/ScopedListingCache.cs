using Kubetrace.Query.Budget;

namespace Kubetrace.Query.Access;

/// <summary>
/// The listings namespace-scoped readers get (services, operations, attribute names and values), kept per grant.
/// Storage's name indexes span every namespace, so a scoped listing is a scan of every stored span
/// (<see cref="ScopedTraceStore"/>); this cache makes that scan run once per grant while the store is unchanged
/// (<see cref="Storage.ITraceStore.Generation"/>), and at most once per <see cref="Refresh"/> while it changes (or
/// when the store cannot tell), however many readers ask: readers asking at once share one scan. A scan is a query
/// like any other: bound by <c>query_timeout</c> and cancelled when no reader waits for it any more. One per store,
/// shared by every reader of it (<see cref="QueryEngine.ScopedListings"/>).
/// </summary>
/// <remarks>
/// An answer is keyed by <see cref="ReadGrant.Key"/>, so a reader only ever gets what a scan through its own grant
/// produced. Bounded: at most <see cref="Capacity"/> answers (the oldest go first), each bounded as its listing is.
/// </remarks>
public sealed class ScopedListingCache(TimeProvider? clock = null, TimeSpan? refresh = null, TimeSpan? timeout = null)
{
    /// <summary>How stale a listing may get while the store changes: names stored since then show up within this.</summary>
    public static readonly TimeSpan DefaultRefresh = TimeSpan.FromSeconds(10);

    public const int Capacity = 256;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public TimeSpan Refresh { get; } = refresh ?? DefaultRefresh;

    /// <summary>How long one scan may run (the engine's <c>query_timeout</c>); zero or null: no limit.</summary>
    public TimeSpan? Timeout { get; } = timeout;

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
    /// less than <see cref="Refresh"/> ago, or is being computed; otherwise <paramref name="compute"/>'s. A scan runs
    /// while some reader waits for it: once every reader waiting has gone (its <paramref name="cancellationToken"/>),
    /// it is cancelled; one still running after <see cref="Timeout"/> is cancelled too, and its readers are answered
    /// <see cref="QueryLimitException"/> naming <c>query_timeout</c> (503). A cancelled or failed scan is not kept.
    /// </summary>
    /// <param name="generation">The store's generation read before computing (null: unknown).</param>
    /// <exception cref="QueryLimitException">The scan ran past <see cref="Timeout"/>.</exception>
    public async ValueTask<T> GetAsync<T>(string key, long? generation, Func<CancellationToken, Task<T>> compute, CancellationToken cancellationToken)
        where T : class
    {
        Entry entry;
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            if (!_entries.TryGetValue(key, out entry!) || !Serves(entry, generation, now))
            {
                entry = Entry.Start(generation, now, compute, Timeout);
                _entries[key] = entry;
                if (_entries.Count > Capacity) _entries.Remove(_entries.MinBy(e => e.Value.ComputedAt).Key);
            }
            entry.Readers++;
        }
        try
        {
            return (T)await entry.Answer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && entry.TimedOut)
        {
            throw new QueryLimitException(QueryRefusal.Unavailable, "query_timeout",
                $"the listing did not finish within query_timeout ({QueryBudget.GoDurationText(Timeout!.Value)})", TimeSpan.FromSeconds(1));
        }
        finally
        {
            lock (_gate)
            {
                if (--entry.Readers == 0 && !entry.Answer.IsCompleted) entry.Cancel();
            }
        }
    }

    private bool Serves(Entry entry, long? generation, long now)
    {
        if (!entry.Answer.IsCompleted) return !entry.Cancelled; // a scan being cancelled serves nobody new
        if (!entry.Answer.IsCompletedSuccessfully) return false; // a failed scan is not kept
        if (generation is not null && entry.Generation == generation) return true;
        return _clock.GetElapsedTime(entry.ComputedAt, now) < Refresh;
    }

    /// <summary>One listing's scan: its answer, who waits for it (under the cache's lock), and how to stop it.</summary>
    private sealed class Entry(long? generation, long computedAt, CancellationTokenSource stop)
    {
        private volatile bool _cancelled;

        public long? Generation => generation;
        public long ComputedAt => computedAt;
        public Task<object> Answer { get; private init; } = null!;
        public int Readers { get; set; }
        public bool Cancelled => _cancelled;

        /// <summary>True when the scan was stopped by the timeout rather than by its readers going away.</summary>
        public bool TimedOut => stop.IsCancellationRequested && !_cancelled;

        public static Entry Start<T>(long? generation, long now, Func<CancellationToken, Task<T>> compute, TimeSpan? timeout)
        {
            var stop = new CancellationTokenSource();
            if (timeout > TimeSpan.Zero) stop.CancelAfter(timeout.Value);
            var token = stop.Token;
            var answer = Task.Run(async () =>
            {
                try
                {
                    return (object)(await compute(token).ConfigureAwait(false))!;
                }
                finally
                {
                    stop.Dispose();
                }
            }, CancellationToken.None);
            return new Entry(generation, now, stop) { Answer = answer };
        }

        public void Cancel()
        {
            _cancelled = true;
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The scan has just finished.
            }
        }
    }
}
