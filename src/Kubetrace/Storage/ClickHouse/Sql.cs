using System.Globalization;
using System.Text;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>Literals for ClickHouse SQL: every user-supplied value enters a statement through here.</summary>
internal static class Sql
{
    public static string String(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '\'': text.Append(@"\'"); break;
                case '\0': text.Append(@"\0"); break;
                case '\n': text.Append(@"\n"); break;
                case '\r': text.Append(@"\r"); break;
                case '\t': text.Append(@"\t"); break;
                default: text.Append(c); break;
            }
        }
        return text.Append('\'').ToString();
    }

    /// <summary>
    /// A query's settings clause that keeps ClickHouse from moving WHERE conditions to PREWHERE by itself: 18.16 fails
    /// ("Unknown identifier: attr_keys ... while reading from part") when it moves a condition on the arrays to PREWHERE
    /// and a promoted column of a part written before schema version 3 must then be computed from those arrays
    /// (its DEFAULT). For queries whose conditions may read both; the others keep the optimisation.
    /// </summary>
    public const string NoAutomaticPrewhere = " SETTINGS optimize_move_to_prewhere = 0";

    public static string TraceId(TraceId id) => $"unhex('{id}')";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The first column of the spans table's key (schema version 4): the minute of the span's start. 18.16 does not
    /// derive a condition on it from one on start_ns, so every time condition names it too (<see cref="StartIn"/>).
    /// </summary>
    public static string MinuteKey => $"intDiv(start_ns, {Number(ClickHouseSchema.RollupWindowNanos)})";

    /// <summary>Conditions on start_ns for [start, end), with the partition dates and key minutes around them so that
    /// ClickHouse skips whole partitions and reads only the minutes' ranges of the spans table.</summary>
    public static string StartIn(long start, long end)
    {
        start = Math.Max(0, start);
        if (end <= start) return "0";
        var clause = $"start_ns >= {Number(start)} AND date >= {Date(start)} AND {MinuteKey} >= {Number(start / ClickHouseSchema.RollupWindowNanos)}";
        if (end != long.MaxValue)
            clause += $" AND start_ns < {Number(end)} AND date <= {Date(end)} AND {MinuteKey} <= {Number((end - 1) / ClickHouseSchema.RollupWindowNanos)}";
        return clause;
    }

    /// <summary>Runs of consecutive key minutes (inclusive) as one condition the spans table's key prunes by: each run
    /// becomes a range of the key's first column, so only those minutes' granules are read.</summary>
    public static string MinutesIn(IReadOnlyList<(ulong From, ulong To)> runs) => runs.Count == 0 ? "0"
        : "(" + string.Join(" OR ", runs.Select(r => $"({MinuteKey} >= {Number(r.From)} AND {MinuteKey} <= {Number(r.To)})")) + ")";

    /// <summary>Intervals of minutes (inclusive, sorted by their first minute) merged into runs where they overlap or touch.</summary>
    public static List<(ulong From, ulong To)> Runs(IEnumerable<(ulong From, ulong To)> sorted)
    {
        var runs = new List<(ulong From, ulong To)>();
        foreach (var (from, to) in sorted)
        {
            if (runs.Count > 0 && runs[^1].To + 1 >= from) runs[^1] = (runs[^1].From, Math.Max(runs[^1].To, to));
            else runs.Add((from, to));
        }
        return runs;
    }

    /// <summary>The partition date of a time (a Date literal), as the encoder computes it.</summary>
    public static string Date(long unixNanos) =>
        $"toDate({Number(Math.Clamp(unixNanos / 86_400_000_000_000, 0, ushort.MaxValue))})";

    public static string TraceIdList(IEnumerable<TraceId> ids) => string.Join(",", ids.Select(TraceId));
}
