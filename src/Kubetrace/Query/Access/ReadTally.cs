namespace Kubetrace.Query.Access;

/// <summary>How many results (traces, names, values, edges) a query read through its view, for the audit log.</summary>
public sealed class ReadTally
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add(long count) => Interlocked.Add(ref _count, count);

    public IReadOnlyList<T> Counted<T>(IReadOnlyList<T> results)
    {
        Add(results.Count);
        return results;
    }
}
