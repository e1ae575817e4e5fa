namespace Kubetrace.Storage.Query;

/// <summary>
/// "Which traces link to these": asks every part (each answers from its index, see <see cref="ITracePart.FindLinkingTraces"/>)
/// and merges the answers, a trace spread over parts or linking several times counting once per target.
/// </summary>
internal static class LinkLookup
{
    public static IReadOnlyList<LinkingTrace> Run(IEnumerable<ITracePart> parts, IReadOnlyCollection<TraceId> targets, TimeRange range,
        int limit, CancellationToken cancellationToken)
    {
        if (targets.Count == 0 || limit <= 0) return [];
        var ids = targets.Select(t => t.Value).ToHashSet();
        var found = new List<LinkingTrace>();
        foreach (var part in parts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            part.FindLinkingTraces(ids, range, found);
        }
        return Merge(found, limit);
    }

    /// <summary>One per (trace, target) with its latest linking span; the latest first, at most <paramref name="limit"/>.</summary>
    public static IReadOnlyList<LinkingTrace> Merge(IEnumerable<LinkingTrace> found, int limit) =>
        found.GroupBy(l => (l.TraceId, l.Target))
            .Select(g => g.MaxBy(l => l.StartUnixNano))
            .OrderByDescending(l => l.StartUnixNano).ThenBy(l => l.TraceId).ThenBy(l => l.Target)
            .Take(limit)
            .ToList();
}
