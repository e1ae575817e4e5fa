using System.Globalization;
using Kubetrace.Storage.Scan;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// What an analysis scans beside the rollups it merges (docs/storage.md, "Rollups on ClickHouse"): every trace with a
/// span in the range that no merged minute owns — found without naming the merged minutes' traces (schema version 8,
/// ClickHouseSchema.RollupGuests.cs). Such a trace has a span in a minute that is not merged, or is a guest of a merged
/// one (recorded at its build), or arrived after that build; so the candidates are the spans of the minutes whose
/// guests cannot be trusted and the guests of the others, less the few of them a merged minute owns.
/// </summary>
public sealed partial class ClickHouseTraceStore
{
    /// <summary>Minute runs past which a condition stops naming each run (the key then prunes by the range's ends only).</summary>
    private const int MaxMinuteRuns = 256;

    /// <summary>A merged minute and when its build began recording its guests (server Unix seconds).</summary>
    private readonly record struct MergedMinute(ulong Minute, ulong GuestsRecorded);

    /// <summary>
    /// The subquery naming the traces to scan beside the merged minutes, exactly those a full scan less the merged
    /// minutes' owned traces gives: <c>null</c> when there are none. A merged minute's guests stand for its spans when
    /// the minute lies wholly inside the range (a guest's span is then in the range) and no span of it arrived since
    /// the recording began (<see cref="ClickHouseOptions.ArrivalMargin"/> for the clocks of a cluster's servers).
    /// </summary>
    private async Task<string?> RestOfMergedAsync(SpanScanRequest request, IReadOnlyList<MergedMinute> merged, CancellationToken cancellationToken)
    {
        var (start, end) = (Math.Max(0, request.Range.StartUnixNano), request.Range.EndUnixNano);
        var services = request.Services is { Count: > 0 } names ? $" AND service IN ({string.Join(",", names.Select(Sql.String))})" : "";
        var trusted = await GuestsStandingForSpansAsync(
            merged.Where(m => (long)m.Minute * Window >= start && ((long)m.Minute + 1) * Window <= end).ToList(),
            cancellationToken).ConfigureAwait(false);

        var candidates = new List<string>();
        var others = end <= start ? [] : Untrusted((ulong)(start / Window), (ulong)((end - 1) / Window), trusted);
        if (others.Count > 0)
            candidates.Add($"SELECT trace_id FROM {ClickHouseSchema.Spans} WHERE {Sql.StartIn(start, end)} AND " +
                (others.Count <= MaxMinuteRuns ? Sql.MinutesIn(others) : $"{Sql.MinuteKey} NOT IN ({string.Join(",", trusted.Select(Sql.Number))})") +
                services);
        if (trusted.Count > 0)
            candidates.Add($"SELECT trace_id FROM {ClickHouseSchema.RollupGuests} WHERE minute IN ({string.Join(",", trusted.Select(Sql.Number))}){services}");
        _logger.LogDebug("{Merged} minutes merged; the rest read from the guests of {Trusted} of them and the spans of the minutes {Others}",
            merged.Count, trusted.Count, others.Count == 0 ? "(none)" : string.Join(", ", others.Select(Describe)));
        if (candidates.Count == 0) return null;

        var union = string.Join(" UNION ALL ", candidates);
        var owned = $"SELECT trace_id FROM {ClickHouseSchema.RollupTraces} WHERE minute IN ({string.Join(",", merged.Select(m => Sql.Number(m.Minute)))}) " +
                    $"AND trace_id IN ({union})";
        return $"SELECT trace_id FROM ({union}) WHERE trace_id NOT IN ({owned})";
    }

    /// <summary>The minutes among <paramref name="recorded"/> no span of which arrived after their guests' recording began.</summary>
    private async Task<SortedSet<ulong>> GuestsStandingForSpansAsync(IReadOnlyList<MergedMinute> recorded, CancellationToken cancellationToken)
    {
        var trusted = new SortedSet<ulong>();
        if (recorded.Count == 0) return trusted;
        var lastArrival = new Dictionary<ulong, ulong>();
        foreach (var line in await _http.QueryLinesAsync(
                     $"SELECT minute, toUInt32(maxMerge(last_arrival)) FROM {ClickHouseSchema.SpanArrivals} " +
                     $"WHERE minute IN ({string.Join(",", recorded.Select(m => Sql.Number(m.Minute)))}) GROUP BY minute", cancellationToken).ConfigureAwait(false))
        {
            var fields = line.Split('\t');
            lastArrival[ulong.Parse(fields[0], CultureInfo.InvariantCulture)] = ulong.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        var margin = (ulong)Options.ArrivalMargin.TotalSeconds;
        foreach (var minute in recorded)
        {
            // Both clocks count whole seconds: a span stamped second a arrived before a + 1.
            if (!lastArrival.TryGetValue(minute.Minute, out var arrived) || arrived + 1 + margin <= minute.GuestsRecorded)
                trusted.Add(minute.Minute);
        }
        return trusted;
    }

    /// <summary>The runs of minutes in [first, last] (inclusive) that are not <paramref name="trusted"/> (which lie within).</summary>
    private static List<(ulong From, ulong To)> Untrusted(ulong first, ulong last, SortedSet<ulong> trusted)
    {
        var runs = new List<(ulong From, ulong To)>();
        var next = first;
        foreach (var minute in trusted)
        {
            if (minute > next) runs.Add((next, minute - 1));
            next = minute + 1;
        }
        if (next <= last) runs.Add((next, last));
        return runs;
    }

    private static string Describe((ulong From, ulong To) run)
    {
        static string At(ulong minute) => DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(minute * 60, 253_402_300_799UL)).ToString("yyyy-MM-ddTHH:mm'Z'", CultureInfo.InvariantCulture);
        return run.From == run.To ? At(run.From) : $"{At(run.From)}..{At(run.To)}";
    }

    /// <summary>The server's clock in Unix seconds (the clock span_arrivals' view stamps arrivals with).</summary>
    private async Task<ulong> ServerSecondsAsync(CancellationToken cancellationToken) =>
        ulong.Parse((await _http.QueryLinesAsync("SELECT toUInt32(now())", cancellationToken).ConfigureAwait(false))[0], CultureInfo.InvariantCulture);
}
