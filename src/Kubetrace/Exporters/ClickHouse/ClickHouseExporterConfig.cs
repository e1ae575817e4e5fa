using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Exporters.Helper;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Pipeline;
using Kubetrace.Storage.ClickHouse;

namespace Kubetrace.Exporters.ClickHouse;

/// <summary>Config of the <c>clickhouse</c> exporter: spans into ClickHouse, served back by <c>kubetrace_query</c>.</summary>
/// <remarks>
/// Without a sending queue (the default) an Export succeeds once ClickHouse has written its spans, and fails
/// retryably while ClickHouse is down. <c>sending_queue</c> with <c>storage: file_storage</c> acknowledges once the
/// batch is in the persistent queue instead (docs/storage.md, ClickHouse); an in-memory queue would acknowledge
/// spans a crash can lose, so it is off unless asked for.
/// </remarks>
public sealed class ClickHouseExporterConfig : IValidatableConfig, IExporterHelperConfig
{
    /// <summary>ClickHouse's HTTP interface, e.g. <c>http://127.0.0.1:8123</c>.</summary>
    public string Endpoint { get; set; } = "http://127.0.0.1:8123";

    public string Database { get; set; } = "kubetrace";

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>A cluster of the servers' <c>remote_servers</c>: tables on every shard, read and written through Distributed tables.</summary>
    [ConfigKey("cluster_name", "cluster")]
    public string ClusterName { get; set; } = "";

    /// <summary>
    /// The HTTP interface of each shard of the cluster: Kubetrace then creates the tables and enforces the ttl on
    /// each shard itself. Without it, statements for every shard use <c>ON CLUSTER</c> (distributed DDL, which needs
    /// ZooKeeper or ClickHouse Keeper on the servers).
    /// </summary>
    public List<string> ShardEndpoints { get; set; } = [];

    /// <summary>Spans older than this are deleted (by whole days); 0 keeps them forever. The Collector's exporter calls it ttl.</summary>
    [ConfigKey("ttl", "retention")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Longest a query may run on the server.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Memory one query may use on the server (<c>1GiB</c>, <c>500MB</c>).</summary>
    public string MaxQueryMemory { get; set; } = "1GiB";

    /// <summary>INSERTs of spans running at once at most; batches arriving meanwhile go together in the next one, and a second
    /// runs beside the first only once a full one (<see cref="MaxInsertSize"/>) waits (docs/storage.md, Grouped INSERTs).</summary>
    public int MaxInsertsInFlight { get; set; } = 2;

    /// <summary>Rows one INSERT gathers from waiting batches at most (<c>32MiB</c>; a larger batch goes alone).</summary>
    public string MaxInsertSize { get; set; } = "32MiB";

    /// <summary>Keep the analyses' rollups per minute of trace start, so <c>kubetrace analyze</c> merges them instead of
    /// scanning old spans (docs/storage.md, Rollups on ClickHouse).</summary>
    public bool Rollups { get; set; } = true;

    /// <summary>How long a minute goes without new spans before it is rolled up (spans arriving later are not counted in it).</summary>
    public TimeSpan RollupSettle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tempo's <c>max_bytes_per_trace</c>, as the <c>kubetrace</c> exporter has it (same default, semantics,
    /// partial success and metric); counted per Kubetrace instance (docs/storage.md, Bytes per trace).</summary>
    public string MaxBytesPerTrace { get; set; } = "5MB";

    /// <summary>Per-tenant settings under <c>multitenancy_enabled</c>: tenant ID → its own <c>block_retention</c> and
    /// <c>max_bytes_per_trace</c> (Tempo's overrides, as the <c>kubetrace</c> exporter reads them; docs/security.md, Tenants on ClickHouse).</summary>
    public Dictionary<string, TenantOverrides> Overrides { get; set; } = new(StringComparer.Ordinal);

    public QueueConfig SendingQueue { get; set; } = new() { Enabled = false };

    public RetryConfig RetryOnFailure { get; set; } = new() { Enabled = false };

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The options of <paramref name="tenant"/>'s store: its database (<see cref="TenantDatabases"/>) and retention.</summary>
    public ClickHouseOptions ToOptions(string tenant = Tenants.SingleTenant) => new()
    {
        Endpoint = new Uri(Endpoint),
        Database = TenantDatabases.Of(Database, tenant),
        Username = Username,
        Password = Password,
        Cluster = ClusterName,
        ShardEndpoints = ShardEndpoints.Select(e => new Uri(e)).ToList(),
        Retention = Overrides.GetValueOrDefault(tenant)?.BlockRetention ?? Ttl,
        MaxBytesPerTrace = Kubetrace.ByteSize.TryParse(Overrides.GetValueOrDefault(tenant) is { MaxBytesPerTrace.Length: > 0 } overrides
            ? overrides.MaxBytesPerTrace : MaxBytesPerTrace, out var traceBytes) ? traceBytes : 0,
        QueryTimeout = QueryTimeout,
        MaxQueryMemoryBytes = Kubetrace.ByteSize.TryParse(MaxQueryMemory, out var bytes) && bytes > 0 ? bytes : 1L << 30,
        Rollups = Rollups ? global::Kubetrace.Exporters.Kubetrace.KubetraceExporterConfig.StoreRollups() : [],
        RollupSettle = RollupSettle,
        MaxInsertsInFlight = MaxInsertsInFlight,
        MaxInsertBytes = Kubetrace.ByteSize.TryParse(MaxInsertSize, out var insertBytes) && insertBytes > 0 ? insertBytes : 32L << 20,
    };

    public IEnumerable<ConfigProblem> Validate()
    {
        if (!IsHttpUrl(Endpoint))
            yield return new ConfigProblem("endpoint", $"\"{Endpoint}\" is not the http:// or https:// URL of ClickHouse's HTTP interface (port 8123 by default)");
        foreach (var endpoint in ShardEndpoints)
            if (!IsHttpUrl(endpoint))
                yield return new ConfigProblem("shard_endpoints", $"\"{endpoint}\" is not the http:// or https:// URL of a shard's HTTP interface");
        if (ShardEndpoints.Count > 0 && ClusterName.Length == 0)
            yield return new ConfigProblem("shard_endpoints", "needs cluster_name: the shards are those of a cluster in the servers' remote_servers");
        foreach (var (key, value) in new[] { ("database", Database), ("cluster_name", ClusterName) })
            if ((key == "database" || value.Length > 0) && !IsIdentifier(value))
                yield return new ConfigProblem(key, $"\"{value}\" must be a plain identifier (letters, digits, _)");
        if (Ttl < TimeSpan.Zero) yield return new ConfigProblem("ttl", "must not be negative");
        if (QueryTimeout < TimeSpan.Zero) yield return new ConfigProblem("query_timeout", "must not be negative");
        if (RollupSettle < TimeSpan.Zero)
            yield return new ConfigProblem("rollup_settle", $"must not be negative; a duration such as 30s or 2m (got {RollupSettle})");
        if (KubetraceExporterConfig.BytesPerTraceProblem(MaxBytesPerTrace) is { } traceBytesProblem)
            yield return new ConfigProblem("max_bytes_per_trace", traceBytesProblem);
        if (MaxInsertsInFlight < 1) yield return new ConfigProblem("max_inserts_in_flight", $"must be at least 1 (got {MaxInsertsInFlight})");
        if (!Kubetrace.ByteSize.TryParse(MaxInsertSize, out var maxInsert) || maxInsert <= 0)
            yield return new ConfigProblem("max_insert_size", $"\"{MaxInsertSize}\" is not a positive size; write e.g. 32MiB");
        if (!Kubetrace.ByteSize.TryParse(MaxQueryMemory, out _))
            yield return new ConfigProblem("max_query_memory", $"\"{MaxQueryMemory}\" is not a size; write e.g. 1GiB or 500MB");
        foreach (var problem in TenantOverrides.Validate(Overrides, embeddedStore: false)) yield return problem;
        foreach (var (tenant, _) in Overrides)
            if (Tenants.Invalid(tenant) is null && IsIdentifier(Database) && TenantDatabases.Refusal(Database, tenant) is { } refusal)
                yield return new ConfigProblem(KeyPath.Join("overrides", tenant), refusal);
        foreach (var problem in this.ValidateHelper()) yield return problem;
    }

    private static bool IsHttpUrl(string text) => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    private static bool IsIdentifier(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
