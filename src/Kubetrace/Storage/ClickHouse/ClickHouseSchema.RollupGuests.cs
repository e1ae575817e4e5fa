namespace Kubetrace.Storage.ClickHouse;

/// <remarks>
/// Schema version 8: what an analysis must scan beside the rollups it merges, without naming every trace they count
/// (docs/storage.md, "Rollups on ClickHouse"). Until this version "the rest" of a range was every trace with a span in
/// it less the traces of the merged minutes — at 10M spans a set of a million owned traces probed by every span of the
/// range (2.3 s, even for an analysis that finds nothing). Now a minute's build also records its guests: the traces with
/// a span in the minute that the minute does not own (rollup_guests, with each span's service, beside the trace on its
/// shard), and when it began recording them (rollup_states.guests_recorded, the server's clock). span_arrivals keeps when a
/// span of each minute last arrived (the server's clock at insert, whatever the span's own arrival stamp says: a span
/// held in a sending queue keeps its old <c>written</c>). A merged minute whose guests were recorded after its last
/// arrival has all its traces either owned by it or among its guests, so the rest is read from the guests and from the
/// spans of the other minutes only (ClickHouseTraceStore.RollupRest.cs).
/// The states move to rollup_states, in granules of 8 rows instead of 8192: a day's states of every rollup (up to ~100 kB
/// each) were one or two granules, so an analysis decompressed every rollup's payloads to read its own (81 MB at 10M
/// spans). The old rollups table is dropped: its minutes are rolled up again by the background loop (their traces'
/// ownership, in rollup_traces, stays as it was fixed), and read from their spans meanwhile.
/// </remarks>
internal sealed partial class ClickHouseSchema
{
    /// <summary>The rollup_states column: when the build began recording the minute's guests (Unix seconds, server clock).</summary>
    public const string GuestsRecorded = "guests_recorded";

    /// <summary>The table of the states from version 2 to 7.</summary>
    private const string RollupsBeforeVersion8 = "rollups";

    private IEnumerable<string> Version8()
    {
        foreach (var statement in CreateTable(Rollups,
            $"date Date, rollup_id String, minute UInt64, min_start UInt64, max_start UInt64, traces UInt64, built UInt64, {GuestsRecorded} UInt64, payload String",
            "ReplacingMergeTree(built) PARTITION BY date ORDER BY (rollup_id, minute) SETTINGS index_granularity = 8", "minute")) yield return statement;
        if (Clustered) yield return $"DROP TABLE IF EXISTS {OnEveryShard(RollupsBeforeVersion8)}";
        yield return $"DROP TABLE IF EXISTS {OnEveryShard(Local(RollupsBeforeVersion8))}";
        foreach (var statement in CreateTable(RollupGuests, "date Date, minute UInt64, trace_id FixedString(16), service String",
            "ReplacingMergeTree PARTITION BY date ORDER BY (minute, trace_id, service)", "cityHash64(trace_id)")) yield return statement;
        foreach (var statement in CreateTable(SpanArrivals, "date Date, minute UInt64, last_arrival AggregateFunction(max, DateTime)",
            "AggregatingMergeTree PARTITION BY date ORDER BY minute", "minute")) yield return statement;
        yield return CreateView(SpanArrivals, $"SELECT date, {Sql.MinuteKey} AS minute, maxState(now()) AS last_arrival " +
            $"FROM {Table(Local(Spans))} GROUP BY date, minute");
    }
}
