namespace Kubetrace.Query.TraceQl;

/// <summary>
/// What one TraceQL query may read and produce. A search that reaches a limit stops and answers with what it found
/// (marked partial); a metrics query that reaches one is refused (its numbers would be wrong). Time is not here:
/// both engines keep to the service's one <c>query_timeout</c> through their <see cref="Budget.QueryBudget"/>.
/// </summary>
public sealed record TraceQlLimits
{
    public static TraceQlLimits Default { get; } = new();

    /// <summary>Candidate traces read from storage and evaluated.</summary>
    public int MaxTracesInspected { get; init; } = 100_000;

    /// <summary>Spans of those traces.</summary>
    public long MaxSpansInspected { get; init; } = 20_000_000;

    /// <summary>
    /// How far before the requested start a trace may begin and still be found (Tempo keeps traces that overlap
    /// the range; storage indexes span starts, so the engine looks this much earlier and checks the overlap).
    /// </summary>
    public TimeSpan OverlapLookback { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Series one metrics query may produce.</summary>
    public int MaxSeries { get; init; } = 1_000;

    /// <summary>Points (steps) per series of a metrics query.</summary>
    public int MaxPointsPerSeries { get; init; } = 11_000;
}

/// <summary>What a query read, for the response's metrics and for budgets.</summary>
public sealed class QueryCost(TraceQlLimits limits)
{
    public int InspectedTraces { get; private set; }

    public long InspectedSpans { get; private set; }

    /// <summary>Spans a metrics query counted from rollups instead of reading them (not bounded: a count is cheap).</summary>
    public long RolledUpSpans { get; private set; }

    public void CountRolledUp(long spans) => RolledUpSpans += spans;

    /// <summary>Rollup cells a metrics query added up (what its rolled-up share cost).</summary>
    public long RolledUpCells { get; private set; }

    public void CountRolledUpCells(long cells) => RolledUpCells += cells;

    /// <summary>Set when a limit stopped the query early.</summary>
    public string? LimitReached { get; private set; }

    /// <summary>Counts a trace about to be evaluated; false when the budget is spent.</summary>
    public bool TryInspect(int spans)
    {
        if (LimitReached is not null) return false;
        if (InspectedTraces >= limits.MaxTracesInspected) LimitReached = $"inspected {limits.MaxTracesInspected} traces";
        else if (InspectedSpans + spans > limits.MaxSpansInspected) LimitReached = $"inspected {limits.MaxSpansInspected} spans";
        if (LimitReached is not null) return false;
        InspectedTraces++;
        InspectedSpans += spans;
        return true;
    }
}
