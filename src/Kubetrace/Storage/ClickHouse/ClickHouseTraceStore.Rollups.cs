using System.Globalization;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// The analyses' rollups on ClickHouse (docs/storage.md, "Rollups on ClickHouse"): what the embedded store keeps
/// per block, kept here per minute of trace start. A window is rolled up once it has settled; its traces are then
/// fixed (rollup_traces), fed whole to every registered rollup, and each state is stored as one row of
/// <c>rollups</c>. An analysis merges the rows of the windows lying inside its range and scans only the rest.
/// </summary>
public sealed partial class ClickHouseTraceStore
{
    private const long Day = 86_400_000_000_000;
    private const long Window = ClickHouseSchema.RollupWindowNanos;
    private readonly SemaphoreSlim _building = new(1, 1);

    /// <summary>
    /// The rollup's stored state for every window whose traces all start inside the range, then a scan as
    /// <see cref="ScanAsync(SpanScanRequest, Action{ScannedTrace}, CancellationToken)"/> less those windows' traces
    /// (<see cref="RestOfMergedAsync"/>).
    /// As on the embedded store, <see cref="SpanScanRequest.Services"/> narrows only the traces scanned.
    /// </summary>
    public async ValueTask ScanRolledUpAsync(SpanScanRequest request, IRollup rollup, Action<ScannedTrace> visitor,
        Action<ReadOnlyMemory<byte>> rolledUp, CancellationToken cancellationToken)
    {
        if (!Options.Rollups.Any(r => r.Id == rollup.Id))
        {
            await ScanAsync(request, visitor, cancellationToken).ConfigureAwait(false);
            return;
        }
        var (start, end) = (Math.Max(0, request.Range.StartUnixNano), request.Range.EndUnixNano);
        if (end <= start) return;
        // Several builds of one window (two instances at once) are one: the newest stands.
        var data = await _http.QueryAsync(
            "SELECT minute, argMax(traces, built) AS t, argMax(min_start, built) AS lo, argMax(max_start, built) AS hi, " +
            $"argMax({ClickHouseSchema.GuestsRecorded}, built), argMax(payload, built) FROM {ClickHouseSchema.Rollups} WHERE rollup_id = {Sql.String(rollup.Id)} " +
            $"AND minute >= {Sql.Number(Math.Max(0, start / Window - 1))} AND minute <= {Sql.Number(end / Window)} " +
            $"GROUP BY minute HAVING t = 0 OR ({(request.RollupDropsEarlierSpans ? "1" : $"lo >= {Sql.Number(start)}")} AND hi < {Sql.Number(end)}) ORDER BY minute FORMAT RowBinary",
            cancellationToken).ConfigureAwait(false);
        var merged = new List<MergedMinute>();
        var reader = new RowBinaryReader(data);
        while (!reader.End)
        {
            var minute = reader.UInt64();
            reader.UInt64();
            reader.UInt64();
            reader.UInt64();
            merged.Add(new MergedMinute(minute, reader.UInt64()));
            rolledUp(reader.Bytes().ToArray());
        }
        if (merged.Count == 0)
        {
            await ScanAsync(request, visitor, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (request.Services is { Count: 0 }) return;
        if (await RestOfMergedAsync(request, merged, cancellationToken).ConfigureAwait(false) is { } rest)
            await ScanTracesAsync(rest, request.AttributeKeys, visitor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rolls up every settled window that lacks a registered rollup, oldest first (the background loop calls it;
    /// tests and <c>kubetrace bench</c> too). A window has settled once it has ended and no span starting in it
    /// or in the next window has arrived for <see cref="ClickHouseOptions.RollupSettle"/>. Returns the windows built.
    /// </summary>
    public async Task<int> BuildRollupsAsync(CancellationToken cancellationToken)
    {
        if (Options.Rollups.Count == 0) return 0;
        await _building.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            var settledBefore = (ulong)TimeRange.ToNanos(DateTimeOffset.UtcNow - Options.RollupSettle); // written is wall-clock time
            var lastWritten = new Dictionary<ulong, ulong>();
            foreach (var line in await _http.QueryLinesAsync(
                $"SELECT minute, maxMerge(last_written) FROM {ClickHouseSchema.SpanWindows} GROUP BY minute", cancellationToken).ConfigureAwait(false))
            {
                var fields = line.Split('\t');
                lastWritten[ulong.Parse(fields[0], CultureInfo.InvariantCulture)] = ulong.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            var ids = string.Join(",", Options.Rollups.Select(r => Sql.String(r.Id)));
            var built = (await _http.QueryLinesAsync(
                    $"SELECT rollup_id, minute FROM {ClickHouseSchema.Rollups} WHERE rollup_id IN ({ids}) GROUP BY rollup_id, minute", cancellationToken)
                .ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            var count = 0;
            foreach (var window in lastWritten.Keys.Order())
            {
                var settled = (window + 2) * Window <= settledBefore && lastWritten[window] <= settledBefore &&
                              (!lastWritten.TryGetValue(window + 1, out var next) || next <= settledBefore);
                if (!settled) continue;
                var missing = Options.Rollups.Where(r => !built.Contains($"{r.Id}\t{window}")).ToList();
                if (missing.Count == 0) continue;
                await BuildWindowAsync(window, missing, cancellationToken).ConfigureAwait(false);
                count++;
            }
            return count;
        }
        finally
        {
            _building.Release();
        }
    }

    /// <summary>
    /// Fixes the window's traces unless fixed already (the traces whose first span starts in it and that no nearby
    /// window counts), reads each whole once and stores every missing rollup's state.
    /// </summary>
    private async Task BuildWindowAsync(ulong window, IReadOnlyList<IRollup> rollups, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (start, end) = ((long)window * Window, (long)(window + 1) * Window);
        var owned = $"SELECT trace_id FROM {ClickHouseSchema.RollupTraces} WHERE minute = {Sql.Number(window)}";
        var fixedAlready = await _http.QueryLinesAsync($"SELECT count() FROM ({owned})", cancellationToken).ConfigureAwait(false);
        if (fixedAlready[0] == "0")
        {
            var spread = (ulong)(Scan.Columnar.ColumnarScan.TraceSpread.Ticks * 100 / Window) + 1;
            await _http.ExecuteAsync(
                $"INSERT INTO {ClickHouseSchema.RollupTraces} (date, minute, trace_id) " +
                $"SELECT {Sql.Date(start)}, {Sql.Number(window)}, trace_id FROM {ClickHouseSchema.TraceIndex} " +
                $"WHERE trace_id IN (SELECT trace_id FROM {ClickHouseSchema.TraceIndex} WHERE min_start >= {Sql.Number(start)} " +
                $"AND min_start < {Sql.Number(end)} AND date = {Sql.Date(start)}) " +
                $"AND trace_id NOT IN (SELECT trace_id FROM {ClickHouseSchema.RollupTraces} WHERE minute >= {Sql.Number(window - Math.Min(window, spread))} " +
                $"AND minute <= {Sql.Number(window + spread)}) " +
                $"GROUP BY trace_id HAVING min(min_start) >= {Sql.Number(start)} AND min(min_start) < {Sql.Number(end)}",
                cancellationToken).ConfigureAwait(false);
        }

        // The minute's guests, recorded from a moment on the server's clock: a span arriving later marks the minute
        // (span_arrivals), whose spans an analysis then reads instead (ClickHouseTraceStore.RollupRest.cs).
        var guestsRecorded = await ServerSecondsAsync(cancellationToken).ConfigureAwait(false);
        await _http.ExecuteAsync(
            $"INSERT INTO {ClickHouseSchema.RollupGuests} (date, minute, trace_id, service) " +
            $"SELECT {Sql.Date(start)}, {Sql.Number(window)}, trace_id, service FROM {ClickHouseSchema.Spans} " +
            $"WHERE {Sql.StartIn(start, end)} AND trace_id NOT IN ({owned}) GROUP BY trace_id, service",
            cancellationToken).ConfigureAwait(false);

        var keys = RollupProjection.Union(rollups);
        var accumulators = rollups.Select(r => r.CreateAccumulator()).ToArray();
        var projections = rollups.Select(r => new RollupProjection(r.AttributeKeys, keys)).ToArray();
        ulong minStart = ulong.MaxValue, maxStart = 0, traces = 0;
        await ScanTracesAsync(owned, keys, trace =>
        {
            traces++;
            foreach (var span in trace.Spans)
            {
                minStart = Math.Min(minStart, (ulong)span.StartUnixNano);
                maxStart = Math.Max(maxStart, (ulong)span.StartUnixNano);
            }
            for (var r = 0; r < accumulators.Length; r++) accumulators[r].Add(projections[r].Project(trace));
        }, cancellationToken).ConfigureAwait(false);

        var rows = new RowBinaryWriter();
        var builtAt = (ulong)TimeRange.ToNanos(DateTimeOffset.UtcNow);
        for (var r = 0; r < rollups.Count; r++)
        {
            rows.UInt16((ushort)(start / Day));
            rows.String(rollups[r].Id);
            rows.UInt64(window);
            rows.UInt64(traces == 0 ? 0 : minStart);
            rows.UInt64(maxStart);
            rows.UInt64(traces);
            rows.UInt64(builtAt);
            rows.UInt64(guestsRecorded);
            rows.Bytes(accumulators[r].ToBytes());
        }
        await _http.InsertAsync(ClickHouseSchema.Rollups, $"date, rollup_id, minute, min_start, max_start, traces, built, {ClickHouseSchema.GuestsRecorded}, payload", rows.Written,
            cancellationToken).ConfigureAwait(false);
        _logger.LogDebug("rolled up the minute from {Start} ({Traces} traces, {Rollups} rollups) in {Milliseconds} ms",
            DateTimeOffset.FromUnixTimeMilliseconds(start / 1_000_000), traces, rollups.Count, watch.ElapsedMilliseconds);
    }

    /// <summary>Builds settled windows every <see cref="ClickHouseOptions.RollupInterval"/> until the store closes.</summary>
    private async Task RollUpInBackgroundAsync()
    {
        using var timer = new PeriodicTimer(Options.RollupInterval, Options.Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await BuildRollupsAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (ClickHouseException e)
                {
                    _logger.LogWarning("rolling up on ClickHouse failed, tried again in {Interval}: {Reason}", Options.RollupInterval, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
