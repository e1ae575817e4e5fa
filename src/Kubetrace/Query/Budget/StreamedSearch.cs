using Kubetrace.Storage;

namespace Kubetrace.Query.Budget;

/// <summary>
/// A search answer handed out one trace at a time, newest first (<see cref="AnswerSelection{T}"/> chose them): what
/// the caller writes can leave the process before the next trace is read, so the answer is never built whole.
/// <see cref="Incomplete"/> before reading says whether choosing stopped at a limit (an API's header); once read to
/// the end it also says whether the query's time ran out while the answer was read (an API's body marker).
/// Traces held from the search are always handed out; one read again is read only while the query has time.
/// </summary>
public sealed class StreamedSearch<T> : IDisposable where T : class
{
    private readonly List<Selected<T>> _selected;
    private readonly Func<TraceSummary, CancellationToken, ValueTask<T?>> _reread;
    private readonly QueryBudget _budget;
    private readonly Incompleteness? _otherStop;

    internal StreamedSearch(List<Selected<T>> selected, Func<TraceSummary, CancellationToken, ValueTask<T?>> reread,
        QueryBudget budget, Incompleteness? otherStop)
    {
        _selected = selected;
        _reread = reread;
        _budget = budget;
        _otherStop = otherStop;
    }

    /// <summary>Traces chosen (those read again may be gone by the time they are read).</summary>
    public int Count => _selected.Count;

    /// <summary>Null while the answer is complete; otherwise the limit that cut it short.</summary>
    public Incompleteness? Incomplete => _budget.Stopped ?? _otherStop;

    /// <summary>The traces, newest first; each is released once handed out. Read once.</summary>
    public async IAsyncEnumerable<T> ReadAsync()
    {
        for (var i = 0; i < _selected.Count; i++)
        {
            var (summary, held) = _selected[i];
            _selected[i] = default;
            if (held is not null)
            {
                yield return held;
                continue;
            }
            if (_budget.OutOfTime()) continue; // the rest is not read; held traces are still handed out
            var item = await _budget.UntilDeadlineAsync(t => _reread(summary, t)).ConfigureAwait(false);
            if (item is not null) yield return item;
        }
    }

    /// <summary>Reads the whole answer into a list (for callers that do not stream: tests, the bench, the CLI).</summary>
    public async Task<List<T>> ToListAsync()
    {
        var all = new List<T>(_selected.Count);
        await foreach (var item in ReadAsync().ConfigureAwait(false)) all.Add(item);
        return all;
    }

    public void Dispose() => _budget.Dispose();
}
