namespace Kubetrace.Storage;

/// <summary>What a search result row shows about a trace, over every span stored for it.</summary>
public sealed record TraceSummary(
    TraceId TraceId,
    string? RootService,
    string? RootName,
    long StartUnixNano,
    long DurationNano,
    int SpanCount,
    int ErrorCount,
    IReadOnlyList<string> Services)
{
    /// <summary>False while the root span has not arrived (RootService/RootName then come from the earliest span).</summary>
    public bool HasRoot { get; init; }
}

/// <summary>A span that matched a fetch, flattened for display and re-evaluation by the engine.</summary>
public sealed record MatchedSpan(
    ulong SpanId,
    string Service,
    string Name,
    long StartUnixNano,
    long DurationNano,
    IReadOnlyList<KeyValuePair<string, string>> Attributes);

/// <summary>One trace returned by <see cref="ITraceStore.FetchAsync"/>.</summary>
public sealed record TraceMatch(TraceSummary Summary, IReadOnlyList<MatchedSpan> Spans);

/// <summary>A span name of a service with a span kind it was seen with (OTLP kind name, e.g. "server").</summary>
public sealed record Operation(string Name, string SpanKind);

/// <summary>An edge of the service dependency graph.</summary>
public sealed record DependencyEdge(string Parent, string Child, long CallCount, long ErrorCount);

/// <summary>What is stored and its cost.</summary>
public sealed record StoreStats(long Spans, long Traces, long BytesOnDisk, int Blocks, long HeadSpans, long WalBytes)
{
    /// <summary>Bytes of the blocks alone (the WAL is temporary: it is deleted once its spans are in a block).</summary>
    public long BlockBytes { get; init; }

    /// <summary>Spans held by blocks.</summary>
    public long BlockSpans { get; init; }

    /// <summary>Block rollups built (one per block and registered rollup) and still to build (blocks not settled yet
    /// included); see docs/storage.md, Rollups.</summary>
    public int RollupsBuilt { get; init; }
    public int RollupsPending { get; init; }

    /// <summary>Bytes of the rollup sidecars (beside the blocks, not in <see cref="BlockBytes"/>).</summary>
    public long RollupBytes { get; init; }

    /// <summary>Row groups of open blocks found damaged and quarantined (their spans are left out of answers).</summary>
    public int DamagedRowGroups { get; init; }

    /// <summary>Blocks, and WAL segments, holding data sealed with another key than the newest (or, with no keys,
    /// sealed at all): while either is above 0 the older keys must stay listed (a rotation in progress).</summary>
    public int BlocksUnderOlderKeys { get; init; }
    public int WalSegmentsUnderOlderKeys { get; init; }

    /// <summary>Figures of a store kept in database servers (ClickHouse); null for the embedded store.</summary>
    public BackendStats? Backend { get; init; }

    /// <summary>Cost of a span at rest: block bytes per block span.</summary>
    public double BlockBytesPerSpan => BlockSpans == 0 ? 0 : (double)BlockBytes / BlockSpans;
}
