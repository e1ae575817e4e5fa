using System.Globalization;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// What the ClickHouse store holds and costs (rows, bytes on disk from system.parts) and how inserts fare,
/// for <c>kubetrace stats</c> and the metrics endpoint. Store statistics are synchronous, so the figures from
/// the server are refreshed at most every few seconds and a refresh is bounded in time. In a cluster the disk
/// figures are summed over the listed shards (system.parts shows one server's parts).
/// </summary>
internal sealed class ClickHouseStats(ClickHouseHttp http, IReadOnlyList<ClickHouseHttp> shards, ClickHouseSchema schema)
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
        long spanRows = 0, spanBytes = 0, totalBytes = 0, parts = 0;
        foreach (var shard in shards)
        {
            var rows = await shard.QueryLinesAsync(
                $"SELECT table = {Sql.String(schema.Local(ClickHouseSchema.Spans))} AS spans, sum(rows), sum(bytes_on_disk), count() FROM system.parts " +
                $"WHERE database = {Sql.String(http.Options.Database)} AND table IN ({tables}) AND active GROUP BY spans",
                cancellationToken).ConfigureAwait(false);
            foreach (var row in rows.Select(l => l.Split('\t')))
            {
                var (isSpans, rowCount, bytes, count) = (row[0] == "1", Number(row[1]), Number(row[2]), Number(row[3]));
                if (isSpans) (spanRows, spanBytes) = (spanRows + rowCount, spanBytes + bytes);
                totalBytes += bytes;
                parts += count;
            }
        }
        var traces = await http.QueryLinesAsync($"SELECT uniq(trace_id) FROM {ClickHouseSchema.TraceIndex}", cancellationToken).ConfigureAwait(false);
        return new StoreStats(spanRows, Number(traces[0]), totalBytes, (int)parts, HeadSpans: 0, WalBytes: 0)
        {
            BlockBytes = spanBytes, BlockSpans = spanRows,
        };
    }

    private static long Number(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
