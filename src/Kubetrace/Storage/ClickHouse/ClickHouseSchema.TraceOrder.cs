namespace Kubetrace.Storage.ClickHouse;

/// <remarks>
/// Schema version 4: the spans table ordered by (minute of start, trace ID, start) instead of (service, start), so that
/// a trace's spans lie together (docs/storage.md, "Trace by ID"). Ordered by service, a trace of four services was four
/// places in every part, and each place costs a compressed block (≥ 64 KiB) of every column; ordered by trace within
/// the minute it is one place, found through the trace index's first and last start. Searches name the minutes of
/// their range (<see cref="Sql.StartIn"/>), so they still read only the minutes they ask about.
/// 18.16 cannot change a table's key, so the migration renames the table, creates it again with the new key under the
/// same name (the materialized views and the Distributed table name it, and follow the name), and copies the old rows
/// over one partition at a time, dropping each partition once copied: interrupted, it resumes where it stopped (a
/// partition copied but not dropped is copied again: its spans are then stored twice, and trace reads and summaries count
/// such a span once).
/// </remarks>
internal sealed partial class ClickHouseSchema
{
    /// <summary>The spans table's key since version 4, as system.tables shows it.</summary>
    public static string SpansSortingKey => $"{Sql.MinuteKey}, trace_id, start_ns";

    private const string ServiceSortingKey = "service, start_ns";

    private async Task OrderSpansByTraceAsync(ClickHouseHttp http, CancellationToken cancellationToken)
    {
        var spans = Local(Spans);
        var old = spans + "_v3";
        var keys = await SortingKeysAsync(http, cancellationToken).ConfigureAwait(false);
        if (keys.TryGetValue(spans, out var key) && key != SpansSortingKey)
        {
            if (key != ServiceSortingKey || keys.ContainsKey(old))
                throw new ClickHouseException($"cannot migrate {http.Options.Database}.{spans} (ordered by {key}) to schema version 4: " +
                    $"expected it ordered by ({ServiceSortingKey}) and no table {old}", transient: false);
            await http.ExecuteAsync($"RENAME TABLE {Table(spans)} TO {Table(old)}{OnCluster}", cancellationToken).ConfigureAwait(false);
        }
        else if (!keys.ContainsKey(old))
        {
            return; // ordered by trace already
        }
        await http.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {OnEveryShard(spans)} AS {Table(old)} " +
            $"ENGINE = MergeTree PARTITION BY date ORDER BY ({SpansSortingKey}){FineGranules}", cancellationToken).ConfigureAwait(false);
        await CopyOldSpansAsync(http, old, cancellationToken).ConfigureAwait(false);
        await http.ExecuteAsync($"DROP TABLE IF EXISTS {OnEveryShard(old)}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies the old table's rows into the spans table, partition by partition. Inserting into the shard-local table
    /// fires the materialized views again: the trace index, catalogs and span windows get the copied rows twice, which
    /// changes none of their answers (bounds, distinct names, maxima). With ON CLUSTER (one endpoint for every shard)
    /// the rows of every shard are read through <c>cluster()</c> and written back through the Distributed table, which
    /// puts each on the shard it came from (both are sharded by trace ID).
    /// </summary>
    private async Task CopyOldSpansAsync(ClickHouseHttp http, string old, CancellationToken cancellationToken)
    {
        var (source, target) = OnCluster.Length > 0
            ? ($"cluster({Identifier(http.Options.Cluster)}, {Identifier(http.Options.Database)}, {old})", Spans)
            : (old, Local(Spans));
        // A copy runs as long as the partition needs: no query timeout (a timed-out copy retried would copy it twice).
        using var copier = new ClickHouseHttp(http.Options with { QueryTimeout = TimeSpan.Zero });
        var partitions = await copier.QueryLinesAsync($"SELECT DISTINCT toString(date) FROM {source}", cancellationToken).ConfigureAwait(false);
        foreach (var partition in partitions.Order(StringComparer.Ordinal))
        {
            var day = Sql.String(partition);
            // Old parts compute the version-3 columns from their DEFAULTs: no automatic PREWHERE (Sql.NoAutomaticPrewhere),
            // and blocks of 64k rows rather than a million, so that the copy's memory stays small.
            await copier.ExecuteAsync($"INSERT INTO {target} SELECT * FROM {source} WHERE date = toDate({day})" +
                $"{Sql.NoAutomaticPrewhere}, min_insert_block_size_rows = 65536, min_insert_block_size_bytes = 67108864",
                cancellationToken).ConfigureAwait(false);
            await copier.ExecuteAsync($"ALTER TABLE {OnEveryShard(old)} DROP PARTITION {day}", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<Dictionary<string, string>> SortingKeysAsync(ClickHouseHttp http, CancellationToken cancellationToken)
    {
        var lines = await http.QueryLinesAsync(
            "SELECT name, sorting_key FROM system.tables WHERE database = currentDatabase()", cancellationToken).ConfigureAwait(false);
        return lines.Select(line => line.Split('\t')).ToDictionary(f => f[0], f => f.Length > 1 ? f[1] : "", StringComparer.Ordinal);
    }
}
