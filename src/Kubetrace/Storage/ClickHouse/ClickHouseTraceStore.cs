using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Storage.Query;
using Kubetrace.Storage.Scan;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// The trace store on ClickHouse (docs/storage.md, ClickHouse): Kubetrace stays stateless in front of it, so
/// several instances can write and read the same database. Conditions are pushed down to SQL
/// (<see cref="SqlConditions"/>); what SQL cannot decide exactly is re-checked here with the embedded store's
/// matchers, so both stores answer alike.
/// </summary>
public sealed partial class ClickHouseTraceStore : ITraceStore
{
    private readonly ClickHouseHttp _http;
    /// <summary>Where statements for every shard run: each listed shard, or the one endpoint (alone, or with ON CLUSTER).</summary>
    private readonly IReadOnlyList<ClickHouseHttp> _shards;
    private readonly ClickHouseSchema _schema;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ClickHouseStats _stats;
    private readonly SemaphoreSlim _migrating = new(1, 1);
    private readonly RowBufferPool _rowBuffers = new();
    private readonly TraceSizeGate? _traceSizes;
    private readonly Func<IReadOnlyList<ReadOnlyMemory<byte>>, int, CancellationToken, ValueTask> _insert;
    private readonly GroupedInserts<RowBinaryWriter> _spanInserts;
    private long _traceSizesForgotten;
    private volatile bool _migrated;
    private int _disposed;

    private ClickHouseTraceStore(ClickHouseOptions options, ILogger logger)
    {
        Options = options;
        _logger = logger;
        _http = new ClickHouseHttp(options);
        _shards = options.Cluster.Length > 0 && options.ShardEndpoints.Count > 0
            ? options.ShardEndpoints.Select(e => new ClickHouseHttp(options with { Endpoint = e })).ToList()
            : [_http];
        _schema = new ClickHouseSchema(options);
        _stats = new ClickHouseStats(_http, _shards, _schema);
        _insert = InsertAsync;
        _spanInserts = new GroupedInserts<RowBinaryWriter>(SendSpansAsync, Math.Max(1, options.MaxInsertsInFlight), options.MaxInsertBytes);
        if (options.MaxBytesPerTrace > 0)
            _traceSizes = new TraceSizeGate(new TraceSizeLimit(options.MaxBytesPerTrace, Math.Max(1024, options.MaxTrackedTraces)),
                options.DiscardedSpans, logger, new Telemetry.LogThrottle(TimeSpan.FromSeconds(30), options.Clock));
        _traceSizesForgotten = options.Clock.GetTimestamp();
        if (options.Rollups.Count > 0 && options.RollupInterval > TimeSpan.Zero) _ = Task.Run(RollUpInBackgroundAsync);
    }

    public ClickHouseOptions Options { get; }

    /// <summary>Connects and creates or migrates the schema; throws <see cref="ClickHouseException"/> when the server cannot be reached.</summary>
    public static async Task<ClickHouseTraceStore> OpenAsync(ClickHouseOptions options, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        var store = Open(options, loggerFactory);
        try
        {
            await store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return store;
    }

    /// <summary>The store without touching the server yet: the schema is created or migrated at first use (see
    /// <see cref="EnsureSchemaAsync"/>), so that Kubetrace starts, and queues, while ClickHouse is down.</summary>
    public static ClickHouseTraceStore Open(ClickHouseOptions options, ILoggerFactory? loggerFactory = null) =>
        new(options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Kubetrace.Storage.ClickHouse"));

    /// <summary>Creates or migrates the schema unless done already (once per store; again after a failure).</summary>
    public async ValueTask EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_migrated) return;
        await _migrating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_migrated) return;
            foreach (var shard in _shards) await _schema.MigrateAsync(shard, cancellationToken).ConfigureAwait(false);
            _migrated = true;
        }
        finally
        {
            _migrating.Release();
        }
    }

    /// <summary>Inserts the batch in one INSERT (atomic on the server for up to a million rows), with other batches waiting
    /// at the same time (<see cref="GroupedInserts{T}"/>); completes once ClickHouse has written it. <c>max_bytes_per_trace</c> first, as the embedded store (<see cref="TraceSizeGate"/>).
    /// A batch in segments (the batch processor's) is encoded segment by segment into the one INSERT's rows (RowBinary
    /// rows concatenate), never joined: joined, an 8,192-span batch is one ~5 MB array on the large object heap.</summary>
    public ValueTask AppendAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0) throw ConsumerException.Unavailable("the ClickHouse trace store is closed");
        if (_traceSizes is not { } gate) return InsertAsync(batch.EncodedSegments, batch.SpanCount, cancellationToken);
        ForgetUnseenTraces(gate.Limit);
        return gate.WriteAsync(batch, _insert, cancellationToken);
    }

    /// <summary>Once per <see cref="ClickHouseOptions.TraceSizeWindow"/>: what the embedded store does at a head cut.</summary>
    private void ForgetUnseenTraces(TraceSizeLimit limit)
    {
        var last = Interlocked.Read(ref _traceSizesForgotten);
        var now = Options.Clock.GetTimestamp();
        if (Options.Clock.GetElapsedTime(last, now) >= Options.TraceSizeWindow && Interlocked.CompareExchange(ref _traceSizesForgotten, now, last) == last)
            limit.ForgetUnseen();
    }

    private async ValueTask InsertAsync(IReadOnlyList<ReadOnlyMemory<byte>> otlp, int spans, CancellationToken cancellationToken)
    {
        var rows = _rowBuffers.Rent();
        int count;
        try
        {
            count = Encode(otlp, rows);
            if (count > 0) await EnsureSchemaOrUnavailableAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _rowBuffers.Return(rows);
            throw;
        }
        if (count == 0)
        {
            _rowBuffers.Return(rows);
            return;
        }
        // From here the rows belong to the INSERT that carries them (SendSpansAsync returns the buffer): a caller that
        // gives up stops waiting, the INSERT goes on.
        await _spanInserts.InsertAsync(rows, count, rows.Length).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static int Encode(IReadOnlyList<ReadOnlyMemory<byte>> otlp, RowBinaryWriter rows)
    {
        try
        {
            return SpanRowEncoder.Write(otlp, rows);
        }
        catch (Otlp.Wire.ProtobufFormatException e)
        {
            throw ConsumerException.Permanent($"the batch is not a valid OTLP request: {e.Message}", e);
        }
    }

    private async ValueTask EnsureSchemaOrUnavailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ClickHouseException e)
        {
            throw ConsumerException.Unavailable(e.Message, inner: e);
        }
    }

    /// <summary>One INSERT of the batches <see cref="_spanInserts"/> grouped; their buffers go back to the pool after it.</summary>
    private async Task SendSpansAsync(IReadOnlyList<RowBinaryWriter> group, int count)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        _stats.InsertStarted();
        try
        {
            await _http.InsertAsync(ClickHouseSchema.Spans, ClickHouseSchema.SpanColumns, group.Select(rows => rows.Written).ToList(), _stopping.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _stats.InsertFailed();
            if (e is ClickHouseException clickHouse) throw ConsumerException.Unavailable(clickHouse.Message, inner: clickHouse);
            if (e is OperationCanceledException or ObjectDisposedException && Volatile.Read(ref _disposed) != 0)
                throw ConsumerException.Unavailable("the ClickHouse trace store is closed", inner: e);
            throw;
        }
        finally
        {
            foreach (var rows in group) _rowBuffers.Return(rows);
        }
        _stats.RecordInsert(count, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    public async ValueTask<IReadOnlyList<ResourceSpans>?> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken)
    {
        var rows = await ReadTracesAsync([traceId], cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : StoredTraceAssembler.Assemble(rows);
    }

    /// <summary>
    /// Every stored span of the traces, in the order written (docs/storage.md, "Trace by ID"). The trace index gives
    /// each trace's first and last span start; the spans table, ordered by (minute, trace ID), is then read only at
    /// those minutes and that trace — one short range of the key per trace and minute, where ordered by service it
    /// was one per service — with trace_id as PREWHERE so that the other columns are read only in the granules that
    /// hold the traces' rows. Traces starting and ending in the same minutes share one condition.
    /// </summary>
    private async Task<List<StoredSpan>> ReadTracesAsync(IReadOnlyCollection<TraceId> traceIds, CancellationToken cancellationToken)
    {
        if (traceIds.Count == 0) return [];
        var bounds = await _http.QueryAsync(
            $"SELECT trace_id, min(min_start), max(max_start) FROM {ClickHouseSchema.TraceIndex} WHERE trace_id IN ({Sql.TraceIdList(traceIds)}) " +
            "GROUP BY trace_id FORMAT RowBinary", cancellationToken).ConfigureAwait(false);
        var byMinutes = new Dictionary<(long First, long Last), List<TraceId>>();
        var reader = new RowBinaryReader(bounds);
        while (!reader.End)
        {
            var (traceId, first, last) = (reader.TraceId(), (long)reader.UInt64(), (long)reader.UInt64());
            var minutes = (first / ClickHouseSchema.RollupWindowNanos, last / ClickHouseSchema.RollupWindowNanos);
            if (!byMinutes.TryGetValue(minutes, out var traces)) byMinutes[minutes] = traces = [];
            traces.Add(traceId);
        }
        if (byMinutes.Count == 0) return [];
        var ranges = byMinutes.Select(m => $"(trace_id IN ({Sql.TraceIdList(m.Value)}) AND " +
            $"{Sql.StartIn(m.Key.First * ClickHouseSchema.RollupWindowNanos, (m.Key.Last + 1) * ClickHouseSchema.RollupWindowNanos)})");
        var data = await _http.QueryAsync(
            $"SELECT {StoredSpan.Columns} FROM {ClickHouseSchema.Spans} PREWHERE trace_id IN ({Sql.TraceIdList(byMinutes.Values.SelectMany(t => t))}) " +
            $"WHERE {string.Join(" OR ", ranges)} ORDER BY written FORMAT RowBinary", cancellationToken).ConfigureAwait(false);
        return await WithResourcesAsync(StoredSpan.ReadAll(data), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) =>
        Sorted(await _http.QueryLinesAsync($"SELECT DISTINCT service FROM {ClickHouseSchema.Operations}", cancellationToken).ConfigureAwait(false));

    public async ValueTask<IReadOnlyList<Operation>> GetOperationsAsync(string service, CancellationToken cancellationToken)
    {
        var lines = await _http.QueryLinesAsync(
            $"SELECT DISTINCT name, kind FROM {ClickHouseSchema.Operations} WHERE service = {Sql.String(service)}", cancellationToken).ConfigureAwait(false);
        return lines.Select(line => line.Split('\t'))
            .Select(f => new Operation(Unescape(f[0]), ConditionMatcher.KindName(int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture))))
            .Distinct().OrderBy(o => o.Name, StringComparer.Ordinal).ThenBy(o => o.SpanKind, StringComparer.Ordinal).ToList();
    }

    public async ValueTask<IReadOnlyList<string>> GetAttributeNamesAsync(AttributeScope scope, CancellationToken cancellationToken)
    {
        var scopes = scope switch
        {
            AttributeScope.Span => $"{(int)AttributeScope.Span}",
            AttributeScope.Resource => $"{(int)AttributeScope.Resource}",
            _ => $"{(int)AttributeScope.Span}, {(int)AttributeScope.Resource}",
        };
        return Sorted(await _http.QueryLinesAsync(
            $"SELECT DISTINCT key FROM {ClickHouseSchema.AttributeKeys} WHERE scope IN ({scopes})", cancellationToken).ConfigureAwait(false));
    }

    public async ValueTask<IReadOnlyList<string>> GetAttributeValuesAsync(AttributeScope scope, string key, int limit,
        CancellationToken cancellationToken)
    {
        if (limit <= 0) return [];
        var k = Sql.String(key);
        var selects = new List<string>();
        if (scope != AttributeScope.Resource)
            selects.Add($"SELECT DISTINCT {PromotedAttributes.SpanValueSql(key)} AS v FROM {ClickHouseSchema.Spans} WHERE {PromotedAttributes.SpanHasSql(key)} LIMIT {limit}" +
                Sql.NoAutomaticPrewhere);
        if (scope != AttributeScope.Span)
            selects.Add($"SELECT DISTINCT res_values[indexOf(res_keys, {k})] AS v FROM {ClickHouseSchema.Spans} WHERE has(res_keys, {k}) LIMIT {limit}");
        var values = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var select in selects)
            values.UnionWith(await ReadStringsAsync(select, cancellationToken).ConfigureAwait(false));
        return values.Take(limit).ToList();
    }

    public async ValueTask<IReadOnlyList<DependencyEdge>> GetDependenciesAsync(TimeRange range, CancellationToken cancellationToken)
    {
        var inRange = Sql.StartIn(range.StartUnixNano, range.EndUnixNano);
        var bounds = await TraceBoundsAsync($"SELECT trace_id FROM {ClickHouseSchema.Spans} WHERE {inRange}", cancellationToken).ConfigureAwait(false);
        if (bounds is not { } b) return [];
        // A child in range and its parent wherever it is in the trace, each span once (SpanIdentities): the parents by
        // the ANY join, the children counted by their identity — after the join, which leaves only calls between
        // services to count (docs/benchmarks.md, "Retried writes": ~10% more server CPU, LIMIT 1 BY before it ~40%).
        var child = "(trace_id, span_id, start_ns)";
        var lines = await _http.QueryLinesAsync(
            $"SELECT parent_service, child_service, uniqExact{child}, uniqExactIf({child}, error) FROM " +
            $"(SELECT trace_id, parent_span_id AS id, span_id, start_ns, service AS child_service, status_code = 2 AS error FROM {ClickHouseSchema.Spans} " +
            $" WHERE {inRange} AND parent_span_id != 0) " +
            "ANY INNER JOIN " +
            $"(SELECT trace_id, span_id AS id, service AS parent_service FROM {ClickHouseSchema.Spans} WHERE {Sql.StartIn(b.Start, b.End + 1)} " +
            $" AND trace_id IN (SELECT trace_id FROM {ClickHouseSchema.Spans} WHERE {inRange})) USING (trace_id, id) " +
            "WHERE parent_service != child_service GROUP BY parent_service, child_service", cancellationToken).ConfigureAwait(false);
        return lines.Select(line => line.Split('\t'))
            .Select(f => new DependencyEdge(Unescape(f[0]), Unescape(f[1]), long.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture),
                long.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(e => e.Parent, StringComparer.Ordinal).ThenBy(e => e.Child, StringComparer.Ordinal).ToList();
    }

    /// <summary>The first and last span start of the traces the subquery names (from the trace index), or null when none.</summary>
    private async Task<(long Start, long End)?> TraceBoundsAsync(string traceIdsQuery, CancellationToken cancellationToken)
    {
        var lines = await _http.QueryLinesAsync(
            $"SELECT count(), min(min_start), max(max_start) FROM {ClickHouseSchema.TraceIndex} WHERE trace_id IN ({traceIdsQuery})",
            cancellationToken).ConfigureAwait(false);
        var fields = lines[0].Split('\t');
        if (fields[0] == "0") return null;
        return (long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), long.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask<IReadOnlyList<LinkingTrace>> FindLinkingTracesAsync(IReadOnlyCollection<TraceId> targets, TimeRange range, int limit,
        CancellationToken cancellationToken)
    {
        if (targets.Count == 0 || limit <= 0) return [];
        var data = await _http.QueryAsync(
            $"SELECT trace_id, target, max(start_ns) AS latest FROM {ClickHouseSchema.Spans} ARRAY JOIN link_trace_ids AS target " +
            $"WHERE {Sql.StartIn(range.StartUnixNano, range.EndUnixNano)} AND target IN ({Sql.TraceIdList(targets)}) " +
            $"GROUP BY trace_id, target ORDER BY latest DESC, trace_id, target LIMIT {limit} FORMAT RowBinary", cancellationToken).ConfigureAwait(false);
        var found = new List<LinkingTrace>();
        var reader = new RowBinaryReader(data);
        while (!reader.End) found.Add(new LinkingTrace(reader.TraceId(), reader.TraceId(), (long)reader.UInt64()));
        return LinkLookup.Merge(found, limit);
    }

    public StoreStats GetStats() => _stats.Current(_stopping.Token);

    /// <summary>Drops the daily partitions that lie wholly before now − retention, in every table.</summary>
    public async ValueTask EnforceRetentionAsync(CancellationToken cancellationToken)
    {
        if (Options.Retention <= TimeSpan.Zero) return;
        var cutoff = TimeRange.ToNanos(Options.Clock.GetUtcNow() - Options.Retention);
        // A partition (day d) holds spans up to the end of day d: it may go once that end is before the cutoff.
        var lastDoomedDay = cutoff / 86_400_000_000_000 - 1;
        foreach (var shard in _shards)
        foreach (var table in _schema.StoredTables)
        {
            var partitions = await shard.QueryLinesAsync(
                $"SELECT DISTINCT partition FROM system.parts WHERE database = {Sql.String(Options.Database)} AND table = {Sql.String(table)} " +
                $"AND active AND max_date <= toDate({Sql.Number(Math.Max(0, lastDoomedDay))}) AND {Sql.Number(lastDoomedDay)} >= 0",
                cancellationToken).ConfigureAwait(false);
            foreach (var partition in partitions)
            {
                await shard.ExecuteAsync($"ALTER TABLE {_schema.OnEveryShard(table)} DROP PARTITION {Sql.String(partition)}", cancellationToken)
                    .ConfigureAwait(false);
                _logger.LogInformation("retention dropped partition {Partition} of {Table} on {Server}", partition, table, shard.Options.Endpoint);
            }
        }
    }

    private async Task<List<string>> ReadStringsAsync(string select, CancellationToken cancellationToken)
    {
        var data = await _http.QueryAsync(select + " FORMAT RowBinary", cancellationToken).ConfigureAwait(false);
        var values = new List<string>();
        var reader = new RowBinaryReader(data);
        while (!reader.End) values.Add(reader.String());
        return values;
    }

    private static IReadOnlyList<string> Sorted(IEnumerable<string> lines) =>
        lines.Select(Unescape).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>A TSV field back to its text (ClickHouse escapes \t, \n, \\ and a few more with a backslash).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var text = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] != '\\' || i + 1 == field.Length) { text.Append(field[i]); continue; }
            var c = field[++i];
            text.Append(c switch { 't' => '\t', 'n' => '\n', 'r' => '\r', '0' => '\0', 'b' => '\b', 'f' => '\f', _ => c });
        }
        return text.ToString();
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return ValueTask.CompletedTask;
        _stopping.Cancel();
        _http.Dispose();
        foreach (var shard in _shards.Where(s => s != _http)) shard.Dispose();
        return ValueTask.CompletedTask;
    }
}
