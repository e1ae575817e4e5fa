namespace Kubetrace.Storage;

/// <summary>Settings of the embedded store.</summary>
public sealed class StoreOptions
{
    /// <summary>Folder holding <c>wal/</c> and <c>blocks/</c>.</summary>
    public required string Directory { get; init; }

    /// <summary>Blocks whose newest span is older than this are deleted (0: keep forever).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(72);

    /// <summary>When blocks take more than this many bytes, the oldest are deleted (0: no limit).</summary>
    public long MaxDiskBytes { get; init; }

    /// <summary>The head is cut into a block at this many spans…</summary>
    public int MaxHeadSpans { get; init; } = 500_000;

    /// <summary>…or when it holds this many OTLP bytes (its memory is bounded in bytes, not only spans: a few
    /// large spans would otherwise fill memory long before the span count is reached)…</summary>
    public long MaxHeadBytes { get; init; } = DefaultMaxHeadBytes;

    /// <summary>…or when it is this old.</summary>
    public TimeSpan MaxHeadAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>128 MiB of OTLP: about 2 minutes at 1,000 spans/s of 15 attributes; see docs/storage.md for what a
    /// head of this size costs in memory.</summary>
    public const long DefaultMaxHeadBytes = 128L << 20;

    /// <summary>Tempo's <c>max_bytes_per_trace</c>: a trace's spans in a request that takes its total past this many
    /// bytes are refused (<see cref="TraceSizeLimit"/>); 0: no limit (the store's own default; the <c>kubetrace</c>
    /// exporter sets Tempo's 5 MB).</summary>
    public long MaxBytesPerTrace { get; init; }

    /// <summary>Counts the spans <see cref="MaxBytesPerTrace"/> refused (the exporter's
    /// <c>kubetrace_exporter_discarded_spans{reason="trace_too_large"}</c>); null: not counted.</summary>
    public Telemetry.Counter? DiscardedSpans { get; init; }

    /// <summary>Rows each head allocates up front (0: grow on demand). Set to about <see cref="MaxHeadSpans"/> on a
    /// busy server: growing by doubling allocates large arrays that cost gen2 collections (docs/storage.md).</summary>
    public int HeadCapacity { get; init; }

    /// <summary>Appends waiting for the WAL writer; more wait (bounded, back-pressure) for room.</summary>
    public int MaxPendingAppends { get; init; } = 64;

    /// <summary>How often retention runs in the background.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A failure repeating on every write (a full disk) is logged once per this interval, with a count.</summary>
    public TimeSpan FailureLogInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Clock for retention, the head's age, rollup settling and the maintenance schedule (retention, compaction
    /// and rollup intervals, a failed block write's retry): tests move it instead of waiting.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Compress WAL records (Brotli q0): ~5.1x less disk bandwidth for ~1 µs of CPU per span.</summary>
    public bool WalCompression { get; init; } = true;

    /// <summary>Keys for encryption at rest (docs/storage.md, Encryption at rest): new WAL records, blocks and
    /// rollup sidecars are sealed with the newest, older data is read with any listed; none: plaintext.</summary>
    public Encryption.StoreKeyRing Keys { get; init; } = Encryption.StoreKeyRing.None;

    /// <summary>Told about every appended span once durable (e.g. span metrics); null: none.</summary>
    public ISpanObserver? SpanObserver { get; init; }

    /// <summary>
    /// Bound, in estimated managed bytes, of the block indexes held for queries (footers: dictionaries, trace tables,
    /// postings; <see cref="Blocks.FooterCache"/>). Past it the least recently used are dropped and read again when
    /// needed; memory pressure drops them all. An open block keeps only a summary (~1.3 B per trace) otherwise, so
    /// the store's memory does not grow with what it holds on disk.
    /// </summary>
    public long IndexCacheBytes { get; init; } = Blocks.FooterCache.DefaultBytes;

    /// <summary>
    /// Bound, in estimated managed bytes, of the block indexes one search holds for its whole length beside the cache
    /// (<see cref="Blocks.FooterLease"/>), so that a search over many blocks neither reads each index again per
    /// candidate nor holds every index it touched. Not configurable: the query's own budget
    /// (<c>max_bytes_per_query</c>) bounds what it materialises; this bounds what it keeps to read faster.
    /// </summary>
    internal long SearchIndexBytes { get; init; } = Blocks.FooterCache.DefaultBytes;

    /// <summary>Spans per row group in a block: the unit read and decompressed for a trace.</summary>
    public int RowGroupSpans { get; init; } = 1024;

    /// <summary>Adjacent blocks of at most half this many spans are merged into blocks of up to this many
    /// (docs/storage.md, Compaction); 0 turns compaction off. Runs every <see cref="CompactionInterval"/>.</summary>
    public int CompactionTargetSpans { get; init; } = 500_000;

    /// <summary>A merged block holds at most this much time, so that retention still frees space in small steps.</summary>
    public TimeSpan CompactionMaxWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Most blocks merged at once: a merge holds one decoded row group of each (<see cref="Compaction.BlockMerger"/>),
    /// so this and <see cref="RowGroupSpans"/> bound its memory; more small blocks are merged over several passes.</summary>
    public int CompactionMaxBlocks { get; init; } = 32;

    /// <summary>True while the process is short of memory (the memory_limiter refuses data): compaction and rollup
    /// builds wait for the next interval instead (their memory, a few row groups per merge, is not the limiter's to
    /// refuse). Never: the default.</summary>
    public Func<bool> UnderMemoryPressure { get; init; } = static () => false;

    /// <summary>How long a merge pauses while <see cref="UnderMemoryPressure"/> before it gives up (its sources stay
    /// for a later pass): <see cref="Compaction.MergePressure"/>.</summary>
    public TimeSpan CompactionPatience { get; init; } = Compaction.MergePressure.DefaultPatience;

    /// <summary>How often compaction looks for blocks to merge (on the retention loop, never at the same time).</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Aggregates kept per block once it has settled (<see cref="Rollups.IRollup"/>); empty: none.</summary>
    public IReadOnlyList<Rollups.IRollup> Rollups { get; init; } = [];

    /// <summary>A block is rolled up once its file is this old, so that spans still in flight for its traces have
    /// arrived (later ones are not counted in the rollup: docs/storage.md, Rollups). Measured with <see cref="Clock"/>.</summary>
    public TimeSpan RollupSettle { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the maintenance loop looks for settled blocks lacking rollups (first look one interval
    /// after opening; after rolling up a block it looks again at once).</summary>
    public TimeSpan RollupInterval { get; init; } = TimeSpan.FromSeconds(5);
}
