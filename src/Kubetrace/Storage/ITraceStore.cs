using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Storage;

/// <summary>
/// A trace store: durable appends, and the reads a query engine needs. Implemented by the embedded engine
/// (<see cref="EmbeddedTraceStore"/>) and, later, by a ClickHouse backend.
/// </summary>
/// <remarks>
/// The query engine above talks to storage with plain data (<see cref="FetchRequest"/>), the way Tempo's TraceQL
/// engine talks to its block formats: storage pushes down what it can and may return more than asked for; the
/// engine re-evaluates the conditions on what comes back, so correctness lives in one place.
/// Every method is safe to call concurrently with appends and with each other.
/// </remarks>
public interface ITraceStore : IAsyncDisposable
{
    /// <summary>
    /// Appends a batch and completes once it is durable (survives a crash of the process or the machine).
    /// Throws <see cref="ConsumerException"/> Unavailable (retryable) when the disk is full or failing, or the store
    /// is closed. Batches arrive validated by the receiver's wire scan; one the head cannot read anyway is kept in
    /// the WAL and logged, never dropped silently.
    /// </summary>
    ValueTask AppendAsync(TraceBatch batch, CancellationToken cancellationToken);

    /// <summary>Every stored span of the trace, grouped by resource and scope as in OTLP; null when unknown.</summary>
    ValueTask<IReadOnlyList<ResourceSpans>?> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken);

    /// <summary>Traces with a span matching the request, most recent first (see <see cref="FetchRequest"/>).</summary>
    ValueTask<IReadOnlyList<TraceMatch>> FetchAsync(FetchRequest request, CancellationToken cancellationToken);

    /// <summary>Service names seen (resource attribute service.name).</summary>
    ValueTask<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken);

    /// <summary>Span names of a service, each with the span kinds it was seen with.</summary>
    ValueTask<IReadOnlyList<Operation>> GetOperationsAsync(string service, CancellationToken cancellationToken);

    /// <summary>Attribute keys seen in the scope (for autocompletion).</summary>
    ValueTask<IReadOnlyList<string>> GetAttributeNamesAsync(AttributeScope scope, CancellationToken cancellationToken);

    /// <summary>Distinct values of an attribute key (for autocompletion), at most <paramref name="limit"/>.</summary>
    ValueTask<IReadOnlyList<string>> GetAttributeValuesAsync(AttributeScope scope, string key, int limit,
        CancellationToken cancellationToken);

    /// <summary>Parent service → child service call and error counts from spans that started in the range.</summary>
    ValueTask<IReadOnlyList<DependencyEdge>> GetDependenciesAsync(TimeRange range, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="visitor"/> once per trace with a span starting in the request's range, with every
    /// stored span of that trace reduced to what analyses read (see <see cref="SpanScanRequest"/>). Sequential:
    /// the visitor is never called concurrently; objects passed to it are reused after it returns.
    /// </summary>
    ValueTask ScanAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="ScanAsync"/> for an analysis that can merge pre-aggregated results: where the store holds a
    /// rollup of <paramref name="rollup"/> whose traces all lie inside the range, it hands over the rollup's bytes
    /// (<paramref name="rolledUp"/>) instead of those traces; every other trace goes to <paramref name="visitor"/>.
    /// Each trace counts exactly once, in one rollup or through the visitor, so the merged result equals a full
    /// scan's. The request's attribute keys must be the rollup's. Calls are sequential, never concurrent; the bytes
    /// handed over are the caller's to keep (a state may read them later: PossibleCallers).
    /// Stores without rollups deliver every trace to the visitor.
    /// </summary>
    ValueTask ScanRolledUpAsync(SpanScanRequest request, IRollup rollup, Action<ScannedTrace> visitor,
        Action<ReadOnlyMemory<byte>> rolledUp, CancellationToken cancellationToken) =>
        ScanAsync(request, visitor, cancellationToken);

    /// <summary>
    /// Traces with a span that starts in the range and links to a span of one of <paramref name="targets"/> (one
    /// hop): one entry per (linking trace, target), the latest linking span first, at most <paramref name="limit"/>.
    /// Stores without a link index answer with a scan of the range (<see cref="LinkScan"/>).
    /// </summary>
    ValueTask<IReadOnlyList<LinkingTrace>> FindLinkingTracesAsync(IReadOnlyCollection<TraceId> targets, TimeRange range, int limit,
        CancellationToken cancellationToken) =>
        LinkScan.FindAsync(this, targets, range, limit, cancellationToken);

    /// <summary>
    /// A number that changes whenever what the store answers may have changed (spans appended, data deleted), read
    /// before a computation to tell whether its answer still holds (<see cref="Kubetrace.Query.Access.ScopedListingCache"/>);
    /// null: the store cannot tell (another process writes to it).
    /// </summary>
    long? Generation => null;

    /// <summary>What is stored and what it costs on disk.</summary>
    StoreStats GetStats();

    /// <summary>Deletes data past the retention limits now (the store also does this continuously).</summary>
    ValueTask EnforceRetentionAsync(CancellationToken cancellationToken);
}
