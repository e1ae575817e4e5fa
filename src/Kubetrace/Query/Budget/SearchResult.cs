using System.Collections;

namespace Kubetrace.Query.Budget;

/// <summary>The traces a search found, most recent first, and whether a limit cut the search short.</summary>
public sealed class SearchResult(IReadOnlyList<FoundTrace> traces, Incompleteness? incomplete) : IReadOnlyList<FoundTrace>
{
    /// <summary>Null when the search ran to the end; otherwise the limit that stopped it (the traces are still the
    /// most recent of those it examined, but older or more matches may exist).</summary>
    public Incompleteness? Incomplete { get; } = incomplete;

    public FoundTrace this[int index] => traces[index];
    public int Count => traces.Count;
    public IEnumerator<FoundTrace> GetEnumerator() => traces.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
