using System.Collections.Immutable;
using System.Threading.Channels;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Model;
using Kubetrace.Storage.Query;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;
using Kubetrace.Storage.Scan.Columnar;
using Kubetrace.Storage.Wal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;


namespace Kubetrace.Storage;

/// <summary>
/// The embedded trace store: a WAL of raw OTLP batches (acknowledged on fsync, group commit), an in-memory head
/// that is queryable at once, and immutable columnar blocks with per-block indexes, deleted by retention.
/// See docs/storage.md.
/// </summary>
public sealed partial class EmbeddedTraceStore : ITraceStore
{
    private readonly StoreOptions _options;
    private readonly ILogger _logger;
    private readonly WriteAheadLog _wal;
    private readonly BlockDirectory _blocks;
    private readonly Lock _viewGate = new();
    private readonly Channel<HeadBlock> _toFlush = Channel.CreateBounded<HeadBlock>(1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly IngestLoop _ingest;
    private readonly Task _flusher;
    private readonly Task _retention;
    private readonly RollupCatalog _rollups;
    private StoreView _view;
    private int _disposed;

    private EmbeddedTraceStore(StoreOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _blocks = new BlockDirectory(Path.Combine(options.Directory, "blocks"), logger, options.Keys, options.IndexCacheBytes);
        _wal = new WriteAheadLog(Path.Combine(options.Directory, "wal"), logger, options.Keys);

        var blocks = DropMergedBlocks(_blocks.OpenAll());
        _rollups = new RollupCatalog(options.Rollups, logger, options.Keys);
        _rollups.Load(_blocks.Folder, blocks);
        var coveredThrough = blocks.Count == 0 ? 0 : blocks.Max(b => b.LastSegment);
        var head = new HeadBlock(coveredThrough + 1, IngestLoop.HeadCapacity(options), options.Clock.GetUtcNow());
        var replayed = 0L;
        _wal.Replay(coveredThrough, (_, frame) =>
        {
            try
            {
                head.Append(frame.Span);
                replayed++;
            }
            catch (Exception e) when (e is InvalidDataException or Google.Protobuf.InvalidProtocolBufferException)
            {
                _logger.LogWarning(e, "skipping an undecodable WAL record");
            }
        });
        if (replayed > 0) _logger.LogInformation("replayed {Batches} WAL batches ({Spans} spans)", replayed, head.SpanCount);
        _wal.StartNewSegment();
        _view = new StoreView(head, [], [.. blocks]);
        _ingest = new IngestLoop(_wal, head, options, logger, OnCut);
        _flusher = Task.Run(FlushLoopAsync);
        _retention = Task.Run(RetentionLoopAsync);
    }

    /// <summary>Opens (or creates) the store in <see cref="StoreOptions.Directory"/>, replaying the WAL.</summary>
    public static EmbeddedTraceStore Open(StoreOptions options, ILoggerFactory? loggerFactory = null) =>
        new(options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Kubetrace.Storage"));

    private StoreView View => Volatile.Read(ref _view);

    public ValueTask AppendAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0) throw ConsumerException.Unavailable("the trace store is closed");
        return _ingest.AppendAsync(batch, cancellationToken);
    }

    /// <summary>Retention passes that deleted blocks (a part of <see cref="Generation"/>).</summary>
    private long _deletions;

    /// <summary>Changes with every batch appended to the head and every deletion of blocks; not with block writes,
    /// merges or re-encryption, which move spans without changing them.</summary>
    public long? Generation => _ingest.Appended + Interlocked.Read(ref _deletions);

    public ValueTask<IReadOnlyList<ResourceSpans>?> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken)
    {
        var rows = new List<(SpanTable Table, int Row)>();
        foreach (var part in View.Parts()) part.CollectRows(traceId.Value, rows);
        if (rows.Count == 0) return ValueTask.FromResult<IReadOnlyList<ResourceSpans>?>(null);
        var assembler = new TraceAssembler();
        foreach (var (table, row) in rows) assembler.Add(table, row);
        return ValueTask.FromResult<IReadOnlyList<ResourceSpans>?>(assembler.Result());
    }

    public ValueTask<IReadOnlyList<TraceMatch>> FetchAsync(FetchRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<TraceMatch>>(TraceSearch.Run(View.Parts().ToList(), request, _options.SearchIndexBytes, cancellationToken));

    public ValueTask<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) =>
        Sorted(View.Parts().SelectMany(p => p.Services()));

    public ValueTask<IReadOnlyList<Operation>> GetOperationsAsync(string service, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<Operation>>(View.Parts().SelectMany(p => p.Operations())
            .Where(o => o.Service == service)
            .Select(o => new Operation(o.Name, ConditionMatcher.KindName(o.Kind)))
            .Distinct().OrderBy(o => o.Name, StringComparer.Ordinal).ThenBy(o => o.SpanKind, StringComparer.Ordinal).ToList());

    public ValueTask<IReadOnlyList<string>> GetAttributeNamesAsync(AttributeScope scope, CancellationToken cancellationToken) =>
        Sorted(View.Parts().SelectMany(p => p.AttributeNames(scope)));

    public ValueTask<IReadOnlyList<string>> GetAttributeValuesAsync(AttributeScope scope, string key, int limit,
        CancellationToken cancellationToken)
    {
        var values = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var part in View.Parts())
        foreach (var value in part.AttributeValues(scope, key))
        {
            values.Add(value);
            if (values.Count >= limit) break;
        }
        return ValueTask.FromResult<IReadOnlyList<string>>(values.Take(limit).ToList());
    }

    public ValueTask<IReadOnlyList<DependencyEdge>> GetDependenciesAsync(TimeRange range, CancellationToken cancellationToken)
    {
        var edges = new Dictionary<(string Parent, string Child), (long Calls, long Errors)>();
        var parts = View.Overlapping(range).ToList();
        foreach (var part in parts) part.AddDependencies(range, edges);
        CrossPartDependencies.Add(parts, range, edges);
        return ValueTask.FromResult<IReadOnlyList<DependencyEdge>>(edges
            .Select(e => new DependencyEdge(e.Key.Parent, e.Key.Child, e.Value.Calls, e.Value.Errors))
            .OrderBy(e => e.Parent, StringComparer.Ordinal).ThenBy(e => e.Child, StringComparer.Ordinal).ToList());
    }

    public ValueTask ScanAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken)
    {
        ColumnarScan.Run(View, request, visitor, cancellationToken);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<LinkingTrace>> FindLinkingTracesAsync(IReadOnlyCollection<TraceId> targets, TimeRange range,
        int limit, CancellationToken cancellationToken) =>
        ValueTask.FromResult(LinkLookup.Run(View.Overlapping(range), targets, range, limit, cancellationToken));

    public StoreStats GetStats()
    {
        var view = View;
        var headSpans = view.Head.SpanCount + view.Flushing.Sum(h => (long)h.SpanCount);
        var walBytes = _wal.TotalBytes();
        var blockBytes = view.Blocks.Sum(b => b.FileSize);
        var rollups = _rollups.Count(view.Blocks);
        return new StoreStats(
            Spans: view.Blocks.Sum(b => (long)b.SpanCount) + headSpans,
            Traces: DistinctTraces.Count(view.Parts()),
            BytesOnDisk: blockBytes + walBytes + rollups.Bytes,
            Blocks: view.Blocks.Count,
            HeadSpans: headSpans,
            WalBytes: walBytes)
        {
            BlockBytes = blockBytes, BlockSpans = view.Blocks.Sum(b => (long)b.SpanCount),
            RollupsBuilt = rollups.Built, RollupsPending = rollups.Pending, RollupBytes = rollups.Bytes,
            DamagedRowGroups = view.Blocks.Sum(b => b.DamagedGroups),
            BlocksUnderOlderKeys = view.Blocks.Count(b => b.Key != _options.Keys.Active),
            WalSegmentsUnderOlderKeys = _wal.SegmentsUnderOlderKeys(),
        };
    }

    public ValueTask EnforceRetentionAsync(CancellationToken cancellationToken)
    {
        EnforceRetention(reserveBytes: _options.MaxDiskBytes > 0 ? _wal.TotalBytes() : 0);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Deletes blocks past retention and, oldest first, while the blocks (with their sidecars) and
    /// <paramref name="reserveBytes"/> (the WAL, a block about to be written) would take more than max_disk_size.
    /// </summary>
    private void EnforceRetention(long reserveBytes)
    {
        // Not beside compaction or a rollup build (tests call this beside the background loop): both read blocks
        // retention would delete.
        lock (_compactionGate)
        {
            var view = View;
            var doomed = RetentionPolicy.BlocksToDelete(view.Blocks, _options, _options.Clock.GetUtcNow(),
                block => block.FileSize + _rollups.BytesOf(block), reserveBytes);
            if (doomed.Count == 0) return;
            lock (_viewGate)
            {
                _view = _view with { Blocks = _view.Blocks.RemoveRange(doomed) };
            }
            Interlocked.Increment(ref _deletions);
            foreach (var block in doomed) _blocks.Delete(block);
            _logger.LogInformation("retention deleted {Count} blocks", doomed.Count);
        }
    }

    /// <summary>
    /// Before a block is written: room for it within max_disk_size, by deleting the oldest blocks now rather than at
    /// the next retention pass (the budget holds at every moment, not once a minute). Its size is estimated from
    /// the blocks' bytes per span (64 before there is a block), with a quarter more as margin; the WAL is reserved too.
    /// </summary>
    private void MakeRoomFor(HeadBlock frozen)
    {
        if (_options.MaxDiskBytes <= 0) return;
        var blocks = View.Blocks;
        var spans = blocks.Sum(b => (long)b.SpanCount);
        var bytesPerSpan = spans == 0 ? 64.0 : (double)blocks.Sum(b => b.FileSize) / spans;
        EnforceRetention((long)(frozen.SpanCount * bytesPerSpan * 1.25) + _wal.TotalBytes());
    }

    /// <summary>
    /// Writes the current head as a block now and returns when it is written, so that its memory can be collected:
    /// what the store does under memory pressure (<see cref="Kubetrace.Components.MemoryPressure"/>), and tests and benchmarks.
    /// True if there was anything to write (spans in the head or heads still being written).
    /// </summary>
    public async Task<bool> FlushHeadAsync()
    {
        var view = View;
        var held = view.Head.SpanCount > 0 || !view.Flushing.IsEmpty;
        await _ingest.CutNowAsync().ConfigureAwait(false);
        while (!View.Flushing.IsEmpty) await Task.Delay(10).ConfigureAwait(false);
        return held;
    }

    /// <summary>
    /// What the store gives up under memory pressure: writes the head as a block (<see cref="FlushHeadAsync"/>) and
    /// drops what it caches of its blocks for queries — decoded row groups, and the footers (dictionaries with their
    /// decoded values, trace tables, postings: <see cref="FooterCache"/>) — which the next query reads again. An open
    /// block keeps only its <see cref="BlockSummary"/>; and the large ingest buffers pooled for reuse
    /// (<see cref="IngestBuffers"/>, shared by the process's stores and receivers). True if anything was held.
    /// </summary>
    public async Task<bool> ReleaseMemoryAsync()
    {
        var flushed = await FlushHeadAsync().ConfigureAwait(false);
        var dropped = _blocks.Cache.Clear();
        dropped |= _blocks.Footers.Clear();
        dropped |= IngestBuffers.Shared.Release() > 0;
        return flushed || dropped;
    }

    /// <summary>Estimated bytes of the block footers held for queries now (bounded by <see cref="StoreOptions.IndexCacheBytes"/>).</summary>
    internal long IndexCacheBytes => _blocks.Footers.Bytes;

    /// <summary>Block footers read again from disk since the store opened (<see cref="FooterCache.Reads"/>).</summary>
    internal long IndexReads => _blocks.Footers.Reads;

    /// <summary>Bytes of block footers (or their sections) read again from disk since the store opened, as stored
    /// (<see cref="FooterCache.BytesRead"/>).</summary>
    internal long IndexBytesRead => _blocks.Footers.BytesRead;

    private void OnCut(HeadBlock frozen, HeadBlock next)
    {
        lock (_viewGate)
        {
            _view = _view with { Head = next, Flushing = _view.Flushing.Add(frozen) };
        }
        // Bounded: while a block is still being written, the ingest loop (and so appenders) waits. Not past
        // shutdown, though: a block writer retrying on a full disk must not hang it (the WAL keeps the spans).
        if (_toFlush.Writer.TryWrite(frozen)) return;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            _toFlush.Writer.WriteAsync(frozen, _stopping.Token).AsTask().GetAwaiter().GetResult();
            _logger.LogWarning("block writing is behind ingest: appends waited {Milliseconds} ms for the previous block", waited.ElapsedMilliseconds);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("shutting down with a head not yet written as a block; its WAL is replayed at the next start");
        }
    }

    private async Task FlushLoopAsync()
    {
        await foreach (var frozen in _toFlush.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    MakeRoomFor(frozen);
                    var block = _blocks.Write(frozen, _options);
                    // The block is durable: its WAL segments can go (the frozen head still answers until the swap).
                    _wal.Delete(frozen.FirstSegment, frozen.LastSegment);
                    lock (_viewGate)
                    {
                        _view = _view with { Flushing = _view.Flushing.Remove(frozen), Blocks = _view.Blocks.Add(block) };
                    }
                    break;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The frozen head stays queryable and its WAL segments stay on disk; try again later, soon at
                    // first (space freed by an operator or by retention), then every 30 s.
                    var delay = TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(attempt, 5)));
                    _logger.LogError(e, "writing a block failed; its spans stay in the WAL; retrying in {Delay}s", delay.TotalSeconds);
                    try { await Task.Delay(delay, _options.Clock, _stopping.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { return; }
                }
            }
        }
    }

    /// <summary>
    /// Retention, compaction and rollups, each every its own interval of the store's clock (<see cref="StoreOptions.Clock"/>),
    /// so that a test moves the clock through a schedule instead of waiting for it.
    /// </summary>
    private async Task RetentionLoopAsync()
    {
        var clock = _options.Clock;
        var nextRetention = clock.GetUtcNow() + _options.RetentionInterval;
        var nextCompaction = clock.GetUtcNow() + _options.CompactionInterval;
        var nextRollup = clock.GetUtcNow() + _options.RollupInterval;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                // One loop for all three, so that retention never deletes a block while it is being merged or
                // rolled up (or read as another part of a trace being rolled up).
                var now = clock.GetUtcNow();
                var next = new[] { nextRetention, nextCompaction, nextRollup }.Min();
                if (next > now) await Task.Delay(next - now, clock, _stopping.Token).ConfigureAwait(false);
                if (clock.GetUtcNow() >= nextRetention)
                {
                    nextRetention = clock.GetUtcNow() + _options.RetentionInterval;
                    await EnforceRetentionAsync(_stopping.Token).ConfigureAwait(false);
                }
                if (clock.GetUtcNow() >= nextCompaction)
                {
                    nextCompaction = clock.GetUtcNow() + _options.CompactionInterval;
                    if (!_options.UnderMemoryPressure())
                    {
                        await CompactAsync(_stopping.Token).ConfigureAwait(false);
                        // A key rotation moves one block at a time (as rollups), so that retention is not held up behind it.
                        if (await ReencryptNextAsync(_stopping.Token).ConfigureAwait(false)) nextCompaction = clock.GetUtcNow();
                    }
                }
                if (clock.GetUtcNow() >= nextRollup)
                {
                    // Rescheduled before anything else, also when memory pressure skips this pass: a due time left in
                    // the past would turn this loop into a busy spin for as long as the pressure lasts (a soak at twice
                    // the sustainable rate found one core spinning here while the limiter refused every request).
                    nextRollup = clock.GetUtcNow() + _options.RollupInterval; // also after a failure, logged below
                    // One block at a time, so that retention and compaction are not held up behind a long backlog.
                    if (!_options.UnderMemoryPressure()
                        && await BuildRollupsAsync(_stopping.Token, maxBlocks: 1).ConfigureAwait(false) > 0) nextRollup = clock.GetUtcNow();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "background maintenance (retention, compaction, rollups) failed; retrying at the next interval");
            }
        }
    }

    private static ValueTask<IReadOnlyList<string>> Sorted(IEnumerable<string> items) =>
        ValueTask.FromResult<IReadOnlyList<string>>(items.Distinct().Order(StringComparer.Ordinal).ToList());

    /// <summary>Stops ingest after committing what was queued; the head stays in the WAL (replayed on open).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Cancelled first so that a block writer waiting to retry (full disk) gives up instead of holding shutdown;
        // blocks already queued are still written, and whatever is not stays in the WAL.
        _stopping.Cancel();
        await _ingest.DisposeAsync().ConfigureAwait(false);
        _toFlush.Writer.TryComplete();
        await _flusher.ConfigureAwait(false);
        await _retention.ConfigureAwait(false);
        _wal.Dispose();
        foreach (var block in View.Blocks) block.Dispose();
    }
}
