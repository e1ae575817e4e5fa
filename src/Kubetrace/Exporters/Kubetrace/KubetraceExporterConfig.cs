using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Analysis;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.Rollups;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>Config of the <c>kubetrace</c> exporter: the embedded trace store.</summary>
/// <remarks>
/// Deliberately without <c>sending_queue</c>/<c>retry_on_failure</c>: an Export succeeds only once the spans are
/// durable in the store's WAL, so nothing may acknowledge them earlier from an in-memory queue.
/// </remarks>
public sealed class KubetraceExporterConfig : IValidatableConfig
{
    /// <summary>Environment variable naming the data folder when <see cref="Directory"/> is not set.</summary>
    public const string DataEnvironmentVariable = "KUBETRACE_DATA";

    /// <summary>Data folder; empty: <c>$KUBETRACE_DATA</c>, else <c>./data</c> in the working directory.</summary>
    [ConfigKey("path", "directory")]
    public string Directory { get; set; } = "";

    /// <summary>Traces older than this are deleted; 0 keeps them forever.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Upper bound of the store on disk (<c>10GiB</c>, <c>500MB</c>); empty: unlimited.</summary>
    public string MaxDiskSize { get; set; } = "";

    /// <summary>The in-memory head is written as a block once it holds this many spans…</summary>
    public int MaxHeadSpans { get; set; } = 500_000;

    /// <summary>…or once it holds this many bytes of OTLP (<c>128MiB</c>, as Tempo's <c>max_block_bytes</c>)…</summary>
    public string MaxHeadBytes { get; set; } = "128MiB";

    /// <summary>Bound of the block indexes (footers) held in memory for queries (<c>64MiB</c>; <see cref="StoreOptions.IndexCacheBytes"/>):
    /// an open block keeps only a small summary, so the store's memory does not grow with what it holds on disk.</summary>
    public string IndexCacheSize { get; set; } = "64MiB";

    /// <summary>…or once it is this old, whichever comes first.</summary>
    public TimeSpan MaxHeadAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Tempo's <c>max_bytes_per_trace</c> (a size; <c>0</c>: no limit): the spans of a trace in a request that
    /// takes the trace past this many bytes are refused, and reported in the OTLP partial_success (docs/storage.md,
    /// Bytes per trace). Tempo's default, 5,000,000 bytes.</summary>
    public string MaxBytesPerTrace { get; set; } = "5MB";

    /// <summary>The smallest <see cref="MaxBytesPerTrace"/> accepted besides 0: a smaller one is surely a unit left out.</summary>
    public const long MinBytesPerTrace = 1024;

    /// <summary>Spans per row group of a block: the unit a trace-by-ID query reads and decompresses.</summary>
    public int RowGroupSpans { get; set; } = 1024;

    /// <summary>Brotli-compress WAL records: ~5.7x less disk bandwidth for ~2 µs of CPU per span.</summary>
    public bool WalCompression { get; set; } = true;

    /// <summary>Adjacent blocks of at most half this many spans are merged in the background; 0: no compaction.</summary>
    public int CompactionTargetSpans { get; set; } = 500_000;

    /// <summary>How often compaction looks for blocks to merge.</summary>
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Keep per-block rollups of the analyses, so that an analysis of a long range merges them instead of
    /// rescanning old blocks (docs/storage.md, Rollups).</summary>
    public bool Rollups { get; set; } = true;

    /// <summary>A block is rolled up once it is this old: spans of its traces arriving later are not counted.</summary>
    public TimeSpan RollupSettle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Encryption at rest; no keys: plaintext files.</summary>
    public EncryptionConfig Encryption { get; set; } = new();

    /// <summary>Per-tenant settings under <c>multitenancy_enabled</c>: tenant ID → its own <c>block_retention</c> and
    /// <c>max_disk_size</c> (docs/security.md, Tenants).</summary>
    public Dictionary<string, TenantOverrides> Overrides { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Bounds that keep a head's arrays and a block's row groups sensible (docs/storage.md).</summary>
    public const int MaxHeadSpansLimit = 10_000_000, MinRowGroupSpans = 16, MaxRowGroupSpans = 65_536;

    /// <summary>A head cut below this would write a block per few requests.</summary>
    public const long MinHeadBytes = 1L << 20;

    /// <summary>The data folder: <c>path</c>, else <c>$KUBETRACE_DATA</c>, else <c>data</c> in the working directory.</summary>
    /// <param name="environment">Reads an environment variable (a test passes its own, so the machine's cannot decide).</param>
    public string ResolvedPath(Func<string, string?>? environment = null) =>
        Path.GetFullPath(Directory.Length > 0 ? Directory
            : (environment ?? Environment.GetEnvironmentVariable)(DataEnvironmentVariable) is { Length: > 0 } fromEnv ? fromEnv
            : "data");

    /// <summary>The store's options from this config (only valid after <see cref="Validate"/> passed).</summary>
    /// <param name="observer">Sees every appended span (the spanmetrics of the query port).</param>
    /// <param name="tenant">Whose store: the single tenant's is the data folder itself (so turning multitenancy on
    /// keeps what was stored as the single tenant's), another tenant's is <c>tenants/ID</c> in it, with its overrides.</param>
    /// <param name="pressure">The service's memory pressure: compaction and rollup builds wait while it is high.</param>
    /// <param name="discardedSpans">Counts the spans <c>max_bytes_per_trace</c> refuses in this tenant's store.</param>
    public StoreOptions ToStoreOptions(ISpanObserver? observer = null, string tenant = Tenants.SingleTenant, MemoryPressure? pressure = null,
        Telemetry.Counter? discardedSpans = null)
    {
        var overrides = Overrides.GetValueOrDefault(tenant);
        return new StoreOptions
        {
            UnderMemoryPressure = pressure is null ? static () => false : () => pressure.IsHigh,
            SpanObserver = observer,
            Directory = TenantDirectory(ResolvedPath(), tenant),
            Retention = overrides?.BlockRetention ?? Retention,
            MaxDiskBytes = overrides is { MaxDiskSize.Length: > 0 } && ByteSize.TryParse(overrides.MaxDiskSize, out var bytes) ? bytes : MaxDiskBytes(),
            MaxHeadSpans = MaxHeadSpans,
            MaxHeadBytes = ByteSize.TryParse(MaxHeadBytes, out var headBytes) ? headBytes : StoreOptions.DefaultMaxHeadBytes,
            MaxHeadAge = MaxHeadAge,
            IndexCacheBytes = ByteSize.TryParse(IndexCacheSize, out var indexCacheBytes) ? indexCacheBytes : Storage.Blocks.FooterCache.DefaultBytes,
            MaxBytesPerTrace = ByteSize.TryParse(overrides is { MaxBytesPerTrace.Length: > 0 } ? overrides.MaxBytesPerTrace : MaxBytesPerTrace, out var traceBytes) ? traceBytes : 0,
            DiscardedSpans = discardedSpans,
            RowGroupSpans = RowGroupSpans,
            WalCompression = WalCompression,
            CompactionTargetSpans = CompactionTargetSpans,
            CompactionInterval = CompactionInterval,
            Rollups = Rollups ? StoreRollups() : [],
            RollupSettle = RollupSettle,
            Keys = Encryption.ToKeyRing(),
        };
    }

    /// <summary>Folder of the tenants' stores inside the data folder (ID validated by <see cref="Tenants.Invalid"/>, so a safe name).</summary>
    public const string TenantsFolder = "tenants";

    public static string TenantDirectory(string dataFolder, string tenant) =>
        tenant == Tenants.SingleTenant ? dataFolder : Path.Combine(dataFolder, TenantsFolder, tenant);

    /// <summary>
    /// The tenants whose store lies in <paramref name="dataFolder"/>: the single tenant's (the folder itself) first,
    /// then each <c>tenants/ID</c> folder with a valid ID, sorted; what the exporter opens at start and what the
    /// <c>kubetrace store</c> commands work on.
    /// </summary>
    public static IEnumerable<string> StoredTenants(string dataFolder)
    {
        yield return Tenants.SingleTenant;
        var folder = Path.Combine(dataFolder, TenantsFolder);
        if (!System.IO.Directory.Exists(folder)) yield break;
        foreach (var directory in System.IO.Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
            if (Path.GetFileName(directory) is var tenant && Tenants.Invalid(tenant) is null) yield return tenant;
    }

    /// <summary>The rollup of every analysis of the catalog that has one: what a store serving analyses keeps.</summary>
    /// <summary>What a store serving queries keeps: the analyses' rollups and the TraceQL metrics rollup.</summary>
    public static IReadOnlyList<IRollup> StoreRollups() => [.. AnalysisRollups(), Query.TraceQl.Metrics.SpanMetricsRollup.Instance];

    public static IReadOnlyList<IRollup> AnalysisRollups() => AnalysisCatalog.All.Select(a => a.Rollup).OfType<IRollup>().ToList();

    /// <summary>What is wrong with a <c>max_bytes_per_trace</c> value (here or in <c>overrides</c>); null when it is valid.</summary>
    internal static string? BytesPerTraceProblem(string value) =>
        !ByteSize.TryParse(value, out var bytes) ? $"\"{value}\" is not a size; write e.g. 5MB, 10MiB or 5000000 (0: no limit)"
        : bytes is > 0 and < MinBytesPerTrace ? $"must be 0 (no limit) or at least {MinBytesPerTrace} bytes (got {value}); write e.g. 5MB"
        : null;

    /// <summary>Bytes, 0 for unlimited (only valid after <see cref="Validate"/> passed).</summary>
    public long MaxDiskBytes() => ByteSize.TryParse(MaxDiskSize, out var bytes) ? bytes : 0;

    public IEnumerable<ConfigProblem> Validate()
    {
        if (Retention < TimeSpan.Zero) yield return new ConfigProblem("retention", "must not be negative");
        if (MaxDiskSize.Length > 0 && !ByteSize.TryParse(MaxDiskSize, out _))
            yield return new ConfigProblem("max_disk_size", $"\"{MaxDiskSize}\" is not a size; write e.g. 10GiB, 500MB or 1048576");
        if (MaxHeadSpans is < 1 or > MaxHeadSpansLimit)
            yield return new ConfigProblem("max_head_spans",
                $"must be between 1 and {MaxHeadSpansLimit:N0} (got {MaxHeadSpans}); the head holds this many spans in memory");
        if (!ByteSize.TryParse(MaxHeadBytes, out var maxHeadBytes) || maxHeadBytes < MinHeadBytes)
            yield return new ConfigProblem("max_head_bytes",
                $"\"{MaxHeadBytes}\" is not a size of at least 1MiB; write e.g. 128MiB (the head holds this many bytes of spans in memory)");
        if (!ByteSize.TryParse(IndexCacheSize, out _))
            yield return new ConfigProblem("index_cache_size",
                $"\"{IndexCacheSize}\" is not a size; write e.g. 64MiB (block indexes held in memory for queries; 0: read them for every query)");
        if (BytesPerTraceProblem(MaxBytesPerTrace) is { } traceBytesProblem) yield return new ConfigProblem("max_bytes_per_trace", traceBytesProblem);
        if (MaxHeadAge <= TimeSpan.Zero)
            yield return new ConfigProblem("max_head_age", $"must be a positive duration such as 5m or 30s (got {MaxHeadAge})");
        if (CompactionTargetSpans is < 0 or > MaxHeadSpansLimit)
            yield return new ConfigProblem("compaction_target_spans",
                $"must be between 0 (no compaction) and {MaxHeadSpansLimit:N0} (got {CompactionTargetSpans})");
        if (CompactionInterval <= TimeSpan.Zero)
            yield return new ConfigProblem("compaction_interval", $"must be a positive duration such as 1m (got {CompactionInterval})");
        if (RollupSettle < TimeSpan.Zero)
            yield return new ConfigProblem("rollup_settle", $"must not be negative; a duration such as 30s or 2m (got {RollupSettle})");
        if (RowGroupSpans is < MinRowGroupSpans or > MaxRowGroupSpans)
            yield return new ConfigProblem("row_group_spans",
                $"must be between {MinRowGroupSpans} and {MaxRowGroupSpans:N0} (got {RowGroupSpans})");
        foreach (var problem in Encryption.Validate("encryption")) yield return problem;
        foreach (var problem in TenantOverrides.Validate(Overrides, embeddedStore: true)) yield return problem;
    }
}
