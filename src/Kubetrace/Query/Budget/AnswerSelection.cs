using Kubetrace.Storage;

namespace Kubetrace.Query.Budget;

/// <summary>
/// What a search keeps while it decides which traces answer it: every chosen trace's summary (its place in the
/// newest-first order) counted against the <see cref="QueryBudget"/>, and the trace itself only while the held window
/// (<see cref="QueryLimits.HeldBytesPerQuery"/>) lasts. A trace beyond the window is read again when its turn to be
/// written comes (<see cref="StreamedSearch{T}"/>), so a search holds summaries plus at most the window, not its answer.
/// The traces kept are the first found, which storage hands out newest first: those most likely to be answered.
/// </summary>
public sealed class AnswerSelection<T>(QueryBudget budget) where T : class
{
    private readonly List<Selected<T>> _selected = [];
    private long _heldBytes;

    /// <summary>Traces chosen so far.</summary>
    public int Count => _selected.Count;

    /// <summary>
    /// Chooses a trace of <paramref name="spans"/> spans and <paramref name="bytes"/> bytes for the answer, or, when the
    /// budget would pass a limit, chooses nothing and returns false: the search stops there.
    /// </summary>
    public bool TryAdd(TraceSummary summary, T item, int spans, long bytes)
    {
        if (!budget.TryHold(spans, bytes)) return false;
        var held = _heldBytes + bytes <= budget.Limits.HeldBytesPerQuery;
        if (held) _heldBytes += bytes;
        _selected.Add(new Selected<T>(summary, held ? item : null));
        return true;
    }

    /// <summary>
    /// The answer: the newest <paramref name="limit"/> chosen traces, each written as its turn comes, those outside
    /// the window read again by <paramref name="reread"/> (null: gone or no longer matching, skipped). The answer owns
    /// the budget from here (its deadline still bounds the reading) and disposes it.
    /// </summary>
    public StreamedSearch<T> Answer(int limit, Func<TraceSummary, CancellationToken, ValueTask<T?>> reread,
        Incompleteness? otherStop = null)
    {
        var newest = _selected.OrderByDescending(s => s.Summary.StartUnixNano).Take(limit).ToList();
        _selected.Clear();
        return new StreamedSearch<T>(newest, reread, budget, otherStop);
    }
}

/// <summary>A chosen trace: its summary, and the trace itself when it was held (null: read again when written).</summary>
public readonly record struct Selected<T>(TraceSummary Summary, T? Held) where T : class;
