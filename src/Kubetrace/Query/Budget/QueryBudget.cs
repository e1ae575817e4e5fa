namespace Kubetrace.Query.Budget;

/// <summary>
/// The running account of one search against its <see cref="QueryLimits"/>: the spans and bytes it holds for its
/// answer, and its deadline. The engine asks before it keeps a trace; once a limit is reached the search stops and
/// answers what it has, with <see cref="Stopped"/> saying which limit (shown to the client as "incomplete").
/// Any engine (the TraceQL one too) takes one per query: <c>using var budget = new QueryBudget(limits, token)</c>.
/// </summary>
public sealed class QueryBudget : IDisposable
{
    private readonly QueryLimits _limits;
    private readonly CancellationToken _clientGone;
    private readonly CancellationTokenSource _deadline;
    private long _spans;
    private long _bytes;

    public QueryBudget(QueryLimits limits, CancellationToken clientGone)
    {
        _limits = limits;
        _clientGone = clientGone;
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
        if (limits.QueryTimeout > TimeSpan.Zero) _deadline.CancelAfter(limits.QueryTimeout);
    }

    /// <summary>Cancelled when the client goes away or the query's time is up: pass it to storage calls.</summary>
    public CancellationToken Token => _deadline.Token;

    /// <summary>Why the search stopped before it was complete; null while it is within every limit.</summary>
    public Incompleteness? Stopped { get; private set; }

    public QueryLimits Limits => _limits;

    public long Spans => _spans;
    public long Bytes => _bytes;

    /// <summary>
    /// Takes <paramref name="spans"/> spans of <paramref name="bytes"/> bytes into the answer, or, when that would
    /// pass a limit (or the time is up), takes nothing, records why and returns false: the search stops there.
    /// </summary>
    public bool TryHold(int spans, long bytes)
    {
        if (Stopped is not null || TimedOut()) return false;
        if (_spans + spans > _limits.MaxSpansPerQuery)
            return Stop("max_spans_per_query", $"the answer reached max_spans_per_query ({_limits.MaxSpansPerQuery:N0} spans)");
        if (_bytes + bytes > _limits.MaxBytesPerQuery)
            return Stop("max_bytes_per_query", $"the answer reached max_bytes_per_query ({_limits.MaxBytesPerQuery:N0} bytes)");
        _spans += spans;
        _bytes += bytes;
        return true;
    }

    /// <summary>True (and recorded) once the query's time is up; throws if the client went away.</summary>
    public bool TimedOut()
    {
        _clientGone.ThrowIfCancellationRequested();
        if (!_deadline.IsCancellationRequested) return Stopped is not null;
        if (Stopped is null)
            Stop("query_timeout", $"the search reached query_timeout ({GoDurationText(_limits.QueryTimeout)})");
        return true;
    }

    /// <summary>
    /// True (and recorded, unless a limit stopped the search before) once the query's time is up, whatever else
    /// stopped it: an answer being read after its search stopped at a limit still reads only while there is time.
    /// Throws if the client went away.
    /// </summary>
    public bool OutOfTime()
    {
        _clientGone.ThrowIfCancellationRequested();
        if (!_deadline.IsCancellationRequested) return false;
        TimedOut();
        return true;
    }

    /// <summary>Runs a storage call; when the deadline (not the client) cancels it, the search stops with what it has.</summary>
    public async Task<T?> UntilDeadlineAsync<T>(Func<CancellationToken, ValueTask<T>> call) where T : class?
    {
        try
        {
            return await call(Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_clientGone.IsCancellationRequested)
        {
            TimedOut();
            return null;
        }
    }

    private bool Stop(string limit, string message)
    {
        Stopped = new Incompleteness(limit, message);
        return false;
    }

    internal static string GoDurationText(TimeSpan value) =>
        value.TotalSeconds % 1 == 0 ? $"{(long)value.TotalSeconds}s" : $"{value.TotalMilliseconds:0}ms";

    public void Dispose() => _deadline.Dispose();
}

/// <summary>A search answer cut short: the limit's configuration key and a sentence for the client.</summary>
public sealed record Incompleteness(string Limit, string Message);
