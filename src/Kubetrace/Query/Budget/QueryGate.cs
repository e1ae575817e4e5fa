namespace Kubetrace.Query.Budget;

/// <summary>
/// At most <see cref="QueryLimits.MaxConcurrentQueries"/> queries run at once; up to
/// <see cref="QueryLimits.MaxQueuedQueries"/> more wait, first come first served, for at most the query timeout.
/// A query beyond the queue is refused at once (429), one that waited too long is refused (503), both with a
/// Retry-After: memory and CPU stay bounded however many clients call.
/// </summary>
public sealed class QueryGate(QueryLimits limits)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _slots = new(limits.MaxConcurrentQueries, limits.MaxConcurrentQueries);
    private int _waiting;

    public QueryLimits Limits => limits;

    /// <summary>Queries waiting for a slot now: how full the queue is.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (_slots.Wait(0)) return new Slot(_slots);
        if (Interlocked.Increment(ref _waiting) > limits.MaxQueuedQueries)
        {
            Interlocked.Decrement(ref _waiting);
            throw new QueryLimitException(QueryRefusal.TooMany, "max_queued_queries",
                $"too many queries: {limits.MaxConcurrentQueries} running and {limits.MaxQueuedQueries} waiting " +
                "(max_concurrent_queries, max_queued_queries); retry later", RetryAfter);
        }
        try
        {
            var wait = limits.QueryTimeout > TimeSpan.Zero ? limits.QueryTimeout : Timeout.InfiniteTimeSpan;
            if (!await _slots.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
                throw new QueryLimitException(QueryRefusal.Unavailable, "max_concurrent_queries",
                    $"no query slot became free within query_timeout ({QueryBudget.GoDurationText(limits.QueryTimeout)}); " +
                    $"{limits.MaxConcurrentQueries} queries run at once (max_concurrent_queries); retry later", RetryAfter);
            return new Slot(_slots);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
