using System.Globalization;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// What the ClickHouse store holds and costs (rows, bytes on disk from system.parts) and how inserts fare,
/// for <c>kubetrace stats</c> and the metrics endpoint. Store statistics are synchronous, so the figures from
/// the server are refreshed at most every few seconds and a refresh is bounded in time.
/// </summary>
internal sealed class ClickHouseStats(ClickHouseHttp http, ClickHouseSchema schema)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private StoreStats _last = new(0, 0, 0, 0, 0, 0);
    private DateTime _lastRefresh = DateTime.MinValue;
    private long _insertedSpans;
    private long _inserts;
    private long _insertTicks;

    public long InsertedSpans => Interlocked.Read(ref _insertedSpans);

    /// <summary>Mean time of an INSERT so far.</summary>
    public TimeSpan MeanInsertLatency
    {
        get
        {
            var inserts = Interlocked.Read(ref _inserts);
            return inserts == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Interlocked.Read(ref _insertTicks) / inserts);
        }
    }

    public void RecordInsert(int spans, TimeSpan elapsed)
    {
        Interlocked.Add(ref _insertedSpans, spans);
        Interlocked.Increment(ref _inserts);
        Interlocked.Add(ref _insertTicks, elapsed.Ticks);
    }

    public StoreStats Current(CancellationToken stopping)
    {
        lock (_gate)
        {
            if (DateTime.UtcNow - _lastRefresh < MaxAge) return _last;
            _lastRefresh = DateTime.UtcNow;
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var fresh = ReadAsync(timeout.Token).GetAwaiter().GetResult();
            lock (_gate) _last = fresh;
        }
        catch (Exception e) when (e is ClickHouseException or OperationCanceledException or FormatException)
        {
            // The last figures stand; the server is down or slow (the exporter reports that on its own).
        }
        return _last;
    }

    private async Task<StoreStats> ReadAsync(CancellationToken cancellationToken)
    {
        var tables = string.Join(",", schema.StoredTables.Select(Sql.String));
        var parts = (await http.QueryLinesAsync(
            $"SELECT table = {Sql.String(schema.Local(ClickHouseSchema.Spans))} AS spans, sum(rows), sum(bytes_on_disk), count() FROM system.parts " +
            $"WHERE database = {Sql.String(http.Options.Database)} AND table IN ({tables}) AND active GROUP BY spans ORDER BY spans DESC",
            cancellationToken).ConfigureAwait(false)).Select(l => l.Split('\t')).ToList();
        var traces = await http.QueryLinesAsync($"SELECT uniq(trace_id) FROM {ClickHouseSchema.TraceIndex}", cancellationToken).ConfigureAwait(false);
        long Field(int row, int column) => row < parts.Count ? long.Parse(parts[row][column], CultureInfo.InvariantCulture) : 0;
        var spanRows = parts.Count > 0 && parts[0][0] == "1" ? Field(0, 1) : 0;
        var spanBytes = parts.Count > 0 && parts[0][0] == "1" ? Field(0, 2) : 0;
        var totalBytes = Field(0, 2) + Field(1, 2);
        return new StoreStats(spanRows, long.Parse(traces[0], CultureInfo.InvariantCulture), totalBytes,
            (int)(Field(0, 3) + Field(1, 3)), HeadSpans: 0, WalBytes: 0)
        {
            BlockBytes = spanBytes, BlockSpans = spanRows,
        };
    }
}
