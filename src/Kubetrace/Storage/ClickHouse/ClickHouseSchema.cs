using System.Globalization;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// The tables Kubetrace keeps in ClickHouse, created and migrated by Kubetrace: numbered migrations, each a list
/// of idempotent statements (<c>IF NOT EXISTS</c>), applied in order and recorded in <c>schema_migrations</c>, so
/// that several instances starting at once, or one restarting half-way, end with the same schema.
/// Written for ClickHouse 18.16 (Debian's package); docs/storage.md says what a newer server allows.
/// </summary>
internal sealed partial class ClickHouseSchema(ClickHouseOptions options)
{
    /// <summary>The version this build writes and reads.</summary>
    public const int Version = 8;

    private bool Clustered => options.Cluster.Length > 0;

    /// <summary>Statements for every shard go through distributed DDL unless Kubetrace runs them on each shard itself.</summary>
    private string OnCluster => Clustered && options.ShardEndpoints.Count == 0 ? $" ON CLUSTER {Identifier(options.Cluster)}" : "";

    /// <summary>
    /// A table as a schema statement names it. ON CLUSTER statements run on the other servers in their DEFAULT database
    /// (18.16 names the database of neither a CREATE's <c>AS</c> table, nor a view's <c>TO</c> table or <c>SELECT</c>, nor
    /// a RENAME's tables: "Table default.spans_local doesn't exist", found by ClickHouseOnClusterTests), so there every
    /// table is named with its database.
    /// </summary>
    private string Table(string name) => OnCluster.Length > 0 ? $"{Identifier(options.Database)}.{name}" : name;

    /// <summary>The table, and the clause that runs a statement on it on every shard: <c>ALTER TABLE {this} DROP PARTITION ...</c>.</summary>
    public string OnEveryShard(string table) => Table(table) + OnCluster;

    /// <summary>The table queries read and inserts write: the table itself, or the Distributed table over the shards.</summary>
    public static string Spans => "spans";
    public static string TraceIndex => "trace_index";
    public static string Operations => "operations";
    public static string AttributeKeys => "attribute_keys";
    public static string SpanWindows => "span_windows";
    public static string RollupTraces => "rollup_traces";
    public static string Rollups => "rollup_states";
    public static string Resources => "resources";
    public static string RollupGuests => "rollup_guests";
    public static string SpanArrivals => "span_arrivals";

    /// <summary>The span-start windows rollups are built for: one minute, fixed by the schema (span_windows' view).</summary>
    public const long RollupWindowNanos = 60_000_000_000;

    /// <summary>The tables whose daily partitions retention drops (on every shard in a cluster).</summary>
    public IEnumerable<string> StoredTables =>
        [Local(Spans), Local(TraceIndex), Local(Operations), Local(AttributeKeys), Local(SpanWindows), Local(RollupTraces), Local(Rollups), Local(Resources),
         Local(RollupGuests), Local(SpanArrivals)];

    /// <summary>
    /// A table read whole from anywhere, also inside a subquery that runs on each shard: the table itself on one server,
    /// <c>cluster(...)</c> over its shard-local parts in a cluster. The Distributed table would not do there: with
    /// <c>distributed_product_mode=local</c> a subquery's Distributed table becomes the shard's local one, also under
    /// GLOBAL IN nested in such a subquery (ClickHouseClusterTests found half the traces of a resource).
    /// </summary>
    public string OnEveryShardAtOnce(string table) => Clustered
        ? $"cluster({Identifier(options.Cluster)}, {Identifier(options.Database)}, {Local(table)})"
        : table;

    /// <summary>Where the data lives: the table itself on one server, its shard-local part in a cluster.</summary>
    public string Local(string table) => Clustered ? table + "_local" : table;

    /// <summary>The columns of a span row, in insert order (see <see cref="SpanRowEncoder"/>); end_ns is left to its
    /// default (0) since version 3: the end is start_ns + duration_ns.</summary>
    public static readonly string SpanColumns = "date, trace_id, span_id, parent_span_id, service, name, kind, status_code, status_message, " +
        "start_ns, duration_ns, written, attr_keys, attr_values, attr_types, res_keys, res_values, res_hash, link_trace_ids, link_span_ids, resource, scope, extra, " +
        PromotedAttributes.Columns;

    /// <param name="upTo">The version to reach: this build's, or an older one (tests write rows as an older build did).</param>
    public async Task MigrateAsync(ClickHouseHttp http, CancellationToken cancellationToken, int upTo = Version)
    {
        await RunAsync(http, $"CREATE DATABASE IF NOT EXISTS {Identifier(options.Database)}{OnCluster}", cancellationToken, withoutDatabase: true)
            .ConfigureAwait(false);
        await RunAsync(http, $"CREATE TABLE IF NOT EXISTS {OnEveryShard("schema_migrations")} (version UInt32, applied DateTime) ENGINE = TinyLog",
            cancellationToken).ConfigureAwait(false);
        var applied = await RetriedAsync(() => AppliedVersionAsync(http, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (applied > Version)
            throw new ClickHouseException($"the ClickHouse database {options.Database} has schema version {applied}, newer than " +
                $"this Kubetrace's {Version}: upgrade Kubetrace", transient: false);
        for (var version = applied + 1; version <= upTo; version++)
        {
            // Columns first: a migration's views may read them.
            if (AddedColumns(version) is { Count: > 0 } columns)
                foreach (var table in Clustered ? [Local(Spans), Spans] : new[] { Spans })
                    await RetriedAsync(() => AddColumnsAsync(http, table, columns, cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var statement in Migration(version))
                await RunAsync(http, statement, cancellationToken).ConfigureAwait(false);
            if (version == 4) await RetriedAsync(() => OrderSpansByTraceAsync(http, cancellationToken), cancellationToken).ConfigureAwait(false);
            // Idempotent in effect: the applied version is the max, so a row written twice (a retry, or a second
            // instance migrating at the same moment) changes nothing.
            await RunAsync(http, $"INSERT INTO schema_migrations VALUES ({version}, now())", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs an idempotent statement, again after a failure: two instances creating the same table, or writing the
    /// TinyLog schema_migrations table, at the same moment can fail one of them on 18.16 ("File not found:
    /// .../tmp_sizes.json") although the statement then holds (found by ClickHouseClusterTests in CI).
    /// </summary>
    private Task RunAsync(ClickHouseHttp http, string statement, CancellationToken cancellationToken, bool withoutDatabase = false) =>
        RetriedAsync(() => http.ExecuteAsync(statement, cancellationToken, withoutDatabase), cancellationToken);

    private async Task<T> RetriedAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (ClickHouseException) when (tries < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * tries), options.Clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task RetriedAsync(Func<Task> attempt, CancellationToken cancellationToken) =>
        RetriedAsync(async () => { await attempt().ConfigureAwait(false); return true; }, cancellationToken);

    public static async Task<int> AppliedVersionAsync(ClickHouseHttp http, CancellationToken cancellationToken)
    {
        var lines = await http.QueryLinesAsync("SELECT max(version) FROM schema_migrations", cancellationToken).ConfigureAwait(false);
        return lines.Count == 0 ? 0 : int.Parse(lines[0], CultureInfo.InvariantCulture);
    }

    private IEnumerable<string> Migration(int version) => version switch
    {
        1 => Version1(),
        2 => Version2(),
        3 => [], // columns only: AddColumnsAsync
        4 => [], // the spans table ordered by trace: OrderSpansByTraceAsync
        5 => Version5(),
        6 => Version6(),
        7 => Version7(),
        8 => Version8(),
        _ => throw new ArgumentOutOfRangeException(nameof(version)),
    };

    /// <summary>
    /// Granules of 1024 rows instead of ClickHouse's 8192 for the tables trace by ID reads: a lookup reads whole
    /// granules of every column, and with 8192 that was ~25 MB decompressed per trace (docs/storage.md, "Trace by ID";
    /// +2 B/span of marks). Only tables created by this build have it: 18.16 cannot change a table's granularity, so a
    /// database created before keeps 8192 (its version-1 tables exist already, and CREATE ... IF NOT EXISTS leaves them).
    /// </summary>
    private const string FineGranules = " SETTINGS index_granularity = 1024";

    /// <remarks>
    /// spans: one row per span, partitioned by day (retention drops partitions), ordered by (service, start) until
    /// version 4 orders it by (minute, trace ID, start) (ClickHouseSchema.TraceOrder.cs). Attributes as parallel arrays of keys and text
    /// values, so that equality and existence are <c>has</c>/<c>indexOf</c> over two arrays (no Map on 18.16);
    /// attr_types keeps the OTLP type of scalar values, and <c>extra</c> (an OTLP Span message) what has no column:
    /// events, links in full, trace state, flags, dropped counts and non-scalar attribute values.
    /// trace_index: (trace ID, service, first and last start) per inserted block, ordered by trace ID — trace by
    /// ID reads it, then only the minutes of the spans table where the trace's spans start.
    /// written: when the batch arrived (Unix ns) plus the span's position in it, so that a trace comes back in
    /// the order it was written (ClickHouse keeps no row order of its own), as the embedded store returns it.
    /// operations and attribute_keys: the small catalogs behind service, operation and tag-name lists.
    /// </remarks>
    private IEnumerable<string> Version1()
    {
        foreach (var statement in CreateTable(Spans, """
            date Date,
            trace_id FixedString(16),
            span_id UInt64,
            parent_span_id UInt64,
            service String,
            name String,
            kind UInt8,
            status_code UInt8,
            status_message String,
            start_ns UInt64,
            end_ns UInt64,
            written UInt64,
            attr_keys Array(String),
            attr_values Array(String),
            attr_types Array(UInt8),
            res_keys Array(String),
            res_values Array(String),
            link_trace_ids Array(FixedString(16)),
            link_span_ids Array(UInt64),
            resource String,
            scope String,
            extra String
            """, $"MergeTree PARTITION BY date ORDER BY (service, start_ns){FineGranules}", "cityHash64(trace_id)")) yield return statement;
        foreach (var statement in CreateTable(TraceIndex, "date Date, trace_id FixedString(16), service String, min_start UInt64, max_start UInt64",
            $"MergeTree PARTITION BY date ORDER BY (trace_id, service){FineGranules}", "cityHash64(trace_id)")) yield return statement;
        yield return CreateView(TraceIndex, "SELECT date, trace_id, service, min(start_ns) AS min_start, max(start_ns) AS max_start " +
            $"FROM {Table(Local(Spans))} GROUP BY date, trace_id, service");
        foreach (var statement in CreateTable(Operations, "date Date, service String, name String, kind UInt8",
            "ReplacingMergeTree PARTITION BY date ORDER BY (service, name, kind)", "rand()")) yield return statement;
        yield return CreateView(Operations, $"SELECT date, service, name, kind FROM {Table(Local(Spans))} GROUP BY date, service, name, kind");
        foreach (var statement in CreateTable(AttributeKeys, "date Date, scope UInt8, key String",
            "ReplacingMergeTree PARTITION BY date ORDER BY (scope, key)", "rand()")) yield return statement;
        yield return CreateView(AttributeKeys, $"SELECT date, toUInt8({(int)AttributeScope.Span}) AS scope, arrayJoin(attr_keys) AS key " +
            $"FROM {Table(Local(Spans))} GROUP BY date, scope, key", "span_keys");
        yield return CreateView(AttributeKeys, $"SELECT date, toUInt8({(int)AttributeScope.Resource}) AS scope, arrayJoin(res_keys) AS key " +
            $"FROM {Table(Local(Spans))} GROUP BY date, scope, key", "resource_keys");
    }

    /// <remarks>
    /// The analyses' rollups (docs/storage.md, "Rollups on ClickHouse"): the embedded store's per-block rollups
    /// become minutes of trace start (`minute`: start_ns div 60 s; `window` and `rollup` are words of ClickHouse's grammar). span_windows: an aggregating view written at insert, the last
    /// time a span of each window arrived (maxState is idempotent, so the backfill of spans written before this
    /// migration may run twice). rollup_traces: which window's rollups count a trace (decided once, beside the
    /// trace on its shard). rollups: one analysis state per (rollup, window), the newest build winning.
    /// </remarks>
    private IEnumerable<string> Version2()
    {
        foreach (var statement in CreateTable(SpanWindows, "date Date, minute UInt64, last_written AggregateFunction(max, UInt64)",
            "AggregatingMergeTree PARTITION BY date ORDER BY minute", "minute")) yield return statement;
        string Windows(string spans) => $"SELECT date, intDiv(start_ns, {RollupWindowNanos}) AS minute, maxState(written) AS last_written " +
            $"FROM {spans} GROUP BY date, minute";
        yield return CreateView(SpanWindows, Windows(Table(Local(Spans))));
        // Spans stored before this version. Run on each shard, each backfills its own; ON CLUSTER runs this statement on
        // one server, which reads every shard's spans and writes through the Distributed table (windows are merged across
        // shards when read, so where a window's row lands does not matter).
        yield return OnCluster.Length > 0
            ? $"INSERT INTO {Table(SpanWindows)} {Windows($"cluster({Identifier(options.Cluster)}, {Identifier(options.Database)}, {Local(Spans)})")}"
            : $"INSERT INTO {Local(SpanWindows)} {Windows(Local(Spans))}";
        foreach (var statement in CreateTable(RollupTraces, "date Date, minute UInt64, trace_id FixedString(16)",
            "MergeTree PARTITION BY date ORDER BY (minute, trace_id)", "cityHash64(trace_id)")) yield return statement;
        foreach (var statement in CreateTable(RollupsBeforeVersion8,
            "date Date, rollup_id String, minute UInt64, min_start UInt64, max_start UInt64, traces UInt64, built UInt64, payload String",
            "ReplacingMergeTree(built) PARTITION BY date ORDER BY (rollup_id, minute)", "minute")) yield return statement;
    }

    /// <remarks>
    /// The attribute-key catalog's views without arrayJoin over the inserted block: on 18.16 arrayJoin copies every
    /// column of the block once per key (~12 per span here), which made version 1's span_keys view ~44 µs of server CPU
    /// per span, seven times the spans table's own insert (docs/benchmarks.md, issue 16). Each block's distinct keys
    /// per day (groupUniqArrayArray) are unfolded after the aggregation instead: ~2 µs per span. The old views are
    /// dropped first; keys of spans inserted in between are found again with the next spans that carry them.
    /// </remarks>
    private IEnumerable<string> Version5()
    {
        foreach (var (suffix, scope, column) in new[] { ("span_keys", AttributeScope.Span, "attr_keys"), ("resource_keys", AttributeScope.Resource, "res_keys") })
        {
            yield return $"DROP TABLE IF EXISTS {OnEveryShard($"{Local(AttributeKeys)}_{suffix}")}";
            yield return CreateView(AttributeKeys, $"SELECT date, toUInt8({(int)scope}) AS scope, arrayJoin(groupUniqArrayArray({column})) AS key " +
                $"FROM {Table(Local(Spans))} GROUP BY date", suffix.Replace("_keys", "_key_sets"));
        }
    }

    /// <summary>The columns a version adds to the spans table (<see cref="AddColumnsAsync"/>), before its statements run.</summary>
    private static IReadOnlyList<string> AddedColumns(int version) => version switch
    {
        3 => Version3Columns(),
        6 => [$"{ResourceHash} FixedString(16)"],
        7 => [PromotedAttributes.PositionsDefinition],
        _ => [],
    };

    /// <summary>The spans table's column naming a span's resource in the resources table (zero: the row carries its resource).</summary>
    public const string ResourceHash = "res_hash";

    /// <remarks>
    /// A resource written once (docs/storage.md, "Resources written once"): the service and k8s.* resource attributes are
    /// the same for thousands of spans, and repeated in every row (the <c>resource</c> envelope, 90 B, and res_keys and
    /// res_values, 85 B, of ~711 B of RowBinary per span) they were parsed, sorted, compressed and merged per span by the
    /// server. Since this version the encoder writes a resource's columns in one row per INSERT and day — the carrier —
    /// and leaves them empty in the others; every row names its resource by <see cref="ResourceHash"/>, a hash of the
    /// envelope (<see cref="ResourceColumns"/>), and this view copies each carrier's resource into the resources table.
    /// Kept in the same INSERT as the spans (no second INSERT, no resource without its spans), and in the same daily
    /// partitions (the carrier's day: retention drops a day's resources with its spans). The carrier stays a whole row,
    /// so that whatever read res_keys of the spans table (the key catalog's view, attribute values) finds every resource
    /// there still; a row written before this version has its resource whole and a zero hash, and is read as it was.
    /// In a cluster the carrier is on one shard and the spans naming it on any: the resources are read through the
    /// Distributed table, or through <c>cluster()</c> in conditions (<see cref="OnEveryShardAtOnce"/>).
    /// </remarks>
    private IEnumerable<string> Version6()
    {
        foreach (var statement in CreateTable(Resources, $"date Date, {ResourceHash} FixedString(16), res_keys Array(String), res_values Array(String), resource String",
            $"ReplacingMergeTree PARTITION BY date ORDER BY {ResourceHash}{FineGranules}", $"cityHash64({ResourceHash})")) yield return statement;
        yield return CreateView(Resources, $"SELECT date, {ResourceHash}, res_keys, res_values, resource FROM {Table(Local(Spans))} " +
            $"WHERE length(resource) > 0 AND {ResourceHash} != {NoResourceHash}");
    }

    /// <remarks>
    /// Promoted keys out of the arrays (docs/storage.md, "Bytes per span"): the first occurrence of a promoted key
    /// leaves attr_keys, attr_values and attr_types when its column holds its value, its place and type kept in
    /// <see cref="PromotedAttributes.Positions"/> (<see cref="PromotedValues"/>). The span keys' view then finds those
    /// keys in the columns as well as in attr_keys (which still has them in rows written before this version): each
    /// block's promoted columns that hold a value, per day, aggregated as the arrays' keys are (no arrayJoin over the block).
    /// Replaced like version 5's: keys of spans inserted between the DROP and the CREATE are found with the next spans.
    /// </remarks>
    private IEnumerable<string> Version7()
    {
        yield return $"DROP TABLE IF EXISTS {OnEveryShard($"{Local(AttributeKeys)}_span_key_sets")}";
        var promoted = string.Join(", ", PromotedAttributes.All.Select(p =>
            $"if(max({p.HoldsValueSql}), {Sql.String(p.Key)}, '')"));
        yield return CreateView(AttributeKeys, $"SELECT date, toUInt8({(int)AttributeScope.Span}) AS scope, " +
            $"arrayJoin(arrayConcat(groupUniqArrayArray(attr_keys), arrayFilter(k -> k != '', [{promoted}]))) AS key " +
            $"FROM {Table(Local(Spans))} GROUP BY date", "span_key_sets");
    }

    /// <summary>The hash of a row that carries its resource itself (every row before version 6, and resources without an envelope).</summary>
    public const string NoResourceHash = "toFixedString('', 16)";

    /// <remarks>
    /// Fewer bytes per span (docs/storage.md, "Bytes per span"): the duration instead of the end (small numbers
    /// compress; the end is start_ns + duration_ns, exact modulo 2^64 even for an end before the start), and the
    /// Kubernetes vocabulary's keys in columns of their own (<see cref="PromotedAttributes"/>). Added to the spans
    /// table in place (18.16 has ALTER ADD COLUMN but no IF NOT EXISTS for it, hence <see cref="AddColumnsAsync"/>):
    /// parts written before have no such columns, and ClickHouse computes them on read from their DEFAULT — the
    /// duration from end_ns, a promoted value from the arrays — so every query reads old and new rows alike.
    /// </remarks>
    private static IReadOnlyList<string> Version3Columns() =>
        [$"duration_ns UInt64 DEFAULT end_ns - start_ns AFTER end_ns", .. PromotedAttributes.All.Select(a => a.Definition)];

    /// <summary>Adds the columns the table lacks, in one ALTER (idempotent: a column there already is left alone).</summary>
    private async Task AddColumnsAsync(ClickHouseHttp http, string table, IEnumerable<string> definitions, CancellationToken cancellationToken)
    {
        var present = (await http.QueryLinesAsync(
                $"SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {Sql.String(table)}", cancellationToken)
            .ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var missing = definitions.Where(d => !present.Contains(d[..d.IndexOf(' ')])).Select(d => "ADD COLUMN " + d).ToList();
        if (missing.Count > 0)
            await http.ExecuteAsync($"ALTER TABLE {OnEveryShard(table)} {string.Join(", ", missing)}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The table (on every shard in a cluster) and, in a cluster, the Distributed table over it.</summary>
    private IEnumerable<string> CreateTable(string name, string columns, string engine, string shardingKey)
    {
        yield return $"CREATE TABLE IF NOT EXISTS {OnEveryShard(Local(name))} ({columns}) ENGINE = {engine}";
        if (Clustered)
            yield return $"CREATE TABLE IF NOT EXISTS {OnEveryShard(name)} AS {Table(Local(name))} " +
                $"ENGINE = Distributed({Identifier(options.Cluster)}, {Identifier(options.Database)}, {Local(name)}, {shardingKey})";
    }

    /// <summary>A materialized view filling a shard-local table from the shard-local spans (so a trace's index stays beside it).</summary>
    private string CreateView(string target, string select, string? suffix = null) =>
        $"CREATE MATERIALIZED VIEW IF NOT EXISTS {OnEveryShard($"{Local(target)}_{suffix ?? "mv"}")} TO {Table(Local(target))} AS {select}";

    public static string Identifier(string name) =>
        name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && name.Length > 0
            ? name
            : throw new ArgumentException($"\"{name}\" is not a plain ClickHouse identifier (letters, digits, _)");
}
