namespace Kubetrace.Storage.ClickHouse;

/// <remarks>
/// Schema version 8: what an analysis must scan beside the rollups it merges, without naming every trace they count
/// (docs/storage.md, "Rollups on ClickHouse"). Until this version "the rest" of a range was every trace with a span in
/// it less the traces of the merged minutes — at 10M spans a set of a million owned traces probed by every span of the
/// range (2.3 s, even for an analysis that finds nothing). Now a minute's build also records its guests: the traces with
/// a span in the minute that the minute does not own (rollup_guests, with each span's service, beside the trace on its
/// shard), and when it began recording them (rollups.guests_recorded, the server's clock). span_arrivals keeps when a
/// span of each minute last arrived (the server's clock at insert, whatever the span's own arrival stamp says: a span
/// held in a sending queue keeps its old <c>written</c>). A merged minute whose guests were recorded after its last
/// arrival has all its traces either owned by it or among its guests, so the rest is read from the guests and from the
/// spans of the other minutes only (ClickHouseTraceStore.RollupRest.cs).
/// Rollups built before this version have no guests recorded (0): their minutes are read as before until the background
/// loop builds them again (ownership stays as it was fixed).
/// </remarks>
internal sealed partial class ClickHouseSchema
{
    /// <summary>The rollups column: when the build began recording the minute's guests (Unix seconds, server clock; 0: not recorded).</summary>
    public const string GuestsRecorded = "guests_recorded";

    private IEnumerable<string> Version8()
    {
        foreach (var statement in CreateTable(RollupGuests, "date Date, minute UInt64, trace_id FixedString(16), service String",
            "ReplacingMergeTree PARTITION BY date ORDER BY (minute, trace_id, service)", "cityHash64(trace_id)")) yield return statement;
        foreach (var statement in CreateTable(SpanArrivals, "date Date, minute UInt64, last_arrival AggregateFunction(max, DateTime)",
            "AggregatingMergeTree PARTITION BY date ORDER BY minute", "minute")) yield return statement;
        yield return CreateView(SpanArrivals, $"SELECT date, {Sql.MinuteKey} AS minute, maxState(now()) AS last_arrival " +
            $"FROM {Table(Local(Spans))} GROUP BY date, minute");
    }
}
