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
    private long _maxInsertTicks;
    private int _inFlight;

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

    /// <summary>An INSERT is sent: counted in flight until <see cref="RecordInsert"/> or <see cref="InsertFailed"/>.</summary>
    public void InsertStarted() => Interlocked.Increment(ref _inFlight);

    public void InsertFailed() => Interlocked.Decrement(ref _inFlight);

    public void RecordInsert(int spans, TimeSpan elapsed)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Add(ref _insertedSpans, spans);
        Interlocked.Increment(ref _inserts);
        Interlocked.Add(ref _insertTicks, elapsed.Ticks);
        for (var max = Interlocked.Read(ref _maxInsertTicks); elapsed.Ticks > max; max = Interlocked.Read(ref _maxInsertTicks))
            if (Interlocked.CompareExchange(ref _maxInsertTicks, elapsed.Ticks, max) == max) break;
    }

    /// <summary>This instance's insert figures, with the servers' figures of the last refresh.</summary>
    private BackendStats Inserts(IReadOnlyList<ServerStats> servers) => new("clickhouse", InsertedSpans, Interlocked.Read(ref _inserts),
        MeanInsertLatency, TimeSpan.FromTicks(Interlocked.Read(ref _maxInsertTicks)), Volatile.Read(ref _inFlight), servers);

    public StoreStats Current(CancellationToken stopping)
    {
        lock (_gate)
        {
            if (DateTime.UtcNow - _lastRefresh < MaxAge) return WithInserts(_last);
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
        lock (_gate) return WithInserts(_last);
    }

    /// <summary>The insert figures move with every insert; the servers' only with a refresh.</summary>
    private StoreStats WithInserts(StoreStats stats) => stats with { Backend = Inserts(stats.Backend?.Servers ?? []) };

    private async Task<StoreStats> ReadAsync(CancellationToken cancellationToken)
    {
        var tables = string.Join(",", schema.StoredTables.Select(Sql.String));
        var database = Sql.String(http.Options.Database);
        long spanRows = 0, spanBytes = 0, totalBytes = 0, parts = 0, rollupBytes = 0;
        var servers = new List<ServerStats>();
        foreach (var shard in shards)
        {
            var rows = await shard.QueryLinesAsync(
                $"SELECT table, sum(rows), sum(bytes_on_disk), count() FROM system.parts " +
                $"WHERE database = {database} AND table IN ({tables}) AND active GROUP BY table",
                cancellationToken).ConfigureAwait(false);
            long rowsHere = 0, bytesHere = 0, partsHere = 0;
            foreach (var row in rows.Select(l => l.Split('\t')))
            {
                var (table, rowCount, bytes, count) = (row[0], Number(row[1]), Number(row[2]), Number(row[3]));
                if (table == schema.Local(ClickHouseSchema.Spans)) (rowsHere, spanBytes) = (rowCount, spanBytes + bytes);
                if (table == schema.Local(ClickHouseSchema.Rollups)) rollupBytes += bytes;
                bytesHere += bytes;
                partsHere += count;
            }
            // The server's own queue: merges running on Kubetrace's tables, inserts held back for too many parts.
            var queue = (await shard.QueryLinesAsync(
                $"SELECT (SELECT count() FROM system.merges WHERE database = {database}), " +
                "(SELECT sum(value) FROM system.metrics WHERE metric = 'DelayedInserts')", cancellationToken).ConfigureAwait(false))[0].Split('\t');
            servers.Add(new ServerStats(shard.Options.Endpoint.ToString(), rowsHere, bytesHere, partsHere, Number(queue[0]), Number(queue[1])));
            (spanRows, totalBytes, parts) = (spanRows + rowsHere, totalBytes + bytesHere, parts + partsHere);
        }
        var traces = await http.QueryLinesAsync($"SELECT uniq(trace_id) FROM {ClickHouseSchema.TraceIndex}", cancellationToken).ConfigureAwait(false);
        var rollups = await http.QueryLinesAsync($"SELECT uniq(rollup_id, minute) FROM {ClickHouseSchema.Rollups}", cancellationToken).ConfigureAwait(false);
        return new StoreStats(spanRows, Number(traces[0]), totalBytes, (int)parts, HeadSpans: 0, WalBytes: 0)
        {
            BlockBytes = spanBytes, BlockSpans = spanRows, RollupsBuilt = (int)Number(rollups[0]), RollupBytes = rollupBytes,
            Backend = Inserts(servers),
        };
    }

    private static long Number(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
