namespace Kubetrace.Storage;

/// <summary>
/// Figures of a store kept in database servers (ClickHouse) rather than in Kubetrace's own files: how this
/// instance's inserts fare, and what each server (each shard of a cluster) holds and has queued.
/// </summary>
/// <param name="Name">The backend, e.g. <c>clickhouse</c>.</param>
/// <param name="InsertedSpans">Spans this instance has inserted since it started.</param>
/// <param name="Inserts">INSERT statements this instance has completed.</param>
/// <param name="InsertsInFlight">INSERTs sent and not answered yet: this instance's queue at the servers.</param>
public sealed record BackendStats(string Name, long InsertedSpans, long Inserts, TimeSpan MeanInsertLatency, TimeSpan MaxInsertLatency,
    int InsertsInFlight, IReadOnlyList<ServerStats> Servers);

/// <summary>One server (one shard in a cluster) and Kubetrace's tables there.</summary>
/// <param name="SpanRows">Span rows stored on this server.</param>
/// <param name="BytesOnDisk">Bytes of every Kubetrace table on this server (spans, indexes, rollups).</param>
/// <param name="Parts">Active data parts: many small parts mean merges lag behind inserts.</param>
/// <param name="Merges">Merges running now: the server's background queue.</param>
/// <param name="DelayedInserts">Inserts the server holds back now because a partition has too many parts.</param>
public sealed record ServerStats(string Endpoint, long SpanRows, long BytesOnDisk, long Parts, long Merges, long DelayedInserts);
