using System.Buffers;
using System.Threading.Channels;
using Kubetrace.Pipeline;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Wal;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Storage;

/// <summary>
/// The single writer: drains waiting appends, writes them to the WAL as one group, fsyncs once, applies them to
/// the head, then acknowledges every caller of the group (group commit). Cuts the head when it is full or old.
/// </summary>
internal sealed class IngestLoop : IAsyncDisposable
{
    private sealed record Pending(byte Codec, ReadOnlyMemory<byte> Bytes, byte[]? Rented, ReadOnlyMemory<byte> Otlp, int Spans,
        TaskCompletionSource Done);

    /// <summary>Upper bound of one group's bytes, so one fsync does not wait behind an unbounded write.</summary>
    private const int MaxGroupBytes = 16 << 20;

    private readonly Channel<Pending> _pending;
    private readonly WriteAheadLog _wal;
    private readonly StoreOptions _options;
    private readonly ILogger _logger;
    private readonly Action<HeadBlock, HeadBlock> _onCut;
    private readonly ArrayBufferWriter<byte> _group = new(1 << 20);
    private readonly List<Pending> _batch = [];
    private readonly Task _loop;
    private readonly Telemetry.LogThrottle _walFailures;
    private readonly TraceSizeGate? _traceSizes;
    private readonly Func<ReadOnlyMemory<byte>, int, CancellationToken, ValueTask> _write;

    /// <param name="head">The head to append to (possibly filled by replay).</param>
    /// <param name="onCut">Called on the loop with (frozen head, new head) when the head is cut.</param>
    public IngestLoop(WriteAheadLog wal, HeadBlock head, StoreOptions options, ILogger logger, Action<HeadBlock, HeadBlock> onCut)
    {
        _wal = wal;
        Head = head;
        _options = options;
        _logger = logger;
        _onCut = onCut;
        _walFailures = new Telemetry.LogThrottle(options.FailureLogInterval, options.Clock);
        _write = WriteAsync;
        if (options.MaxBytesPerTrace > 0)
            _traceSizes = new TraceSizeGate(new TraceSizeLimit(options.MaxBytesPerTrace, Math.Max(1024, options.MaxHeadSpans)),
                options.DiscardedSpans, logger, new Telemetry.LogThrottle(options.FailureLogInterval, options.Clock));
        _pending = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.MaxPendingAppends)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Factory.StartNew(RunAsync, TaskCreationOptions.LongRunning).Unwrap();
    }

    public HeadBlock Head { get; private set; }

    private long _appended;

    /// <summary>Batches appended to a head since the loop started, counted once each is queryable.</summary>
    public long Appended => Interlocked.Read(ref _appended);

    /// <remarks>Batches arrive validated (the receiver's wire scan); the head reads the spans from these bytes. A batch
    /// in segments (the batch processor's, merged from many requests) is appended segment by segment, each a whole
    /// request, never joined: joined, an 8,192-span batch is one ~5 MB array on the large object heap, which only a
    /// gen2 collection frees — at twice the sustainable rate under memory_limiter that heap held 80 MB
    /// (docs/benchmarks.md, the soak at 2R again). The segments are queued in order and committed together (the loop
    /// writes what is queued in one WAL write).</remarks>
    public ValueTask AppendAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        var segments = batch.EncodedSegments;
        return segments.Count == 1 ? AppendRequestAsync(batch, cancellationToken) : AppendSegmentsAsync(batch, segments, cancellationToken);
    }

    private async ValueTask AppendSegmentsAsync(TraceBatch batch, IReadOnlyList<ReadOnlyMemory<byte>> segments, CancellationToken cancellationToken)
    {
        // Every segment walked before any is queued: a malformed one refuses the whole batch, as a joined one would be.
        var requests = new TraceBatch[segments.Count];
        for (var i = 0; i < requests.Length; i++)
        {
            try
            {
                requests[i] = batch.WithEncoded(segments[i], Otlp.Wire.EncodedSpanWalker.Count(segments[i].Span));
            }
            catch (Otlp.Wire.ProtobufFormatException e)
            {
                throw ConsumerException.Permanent($"the batch is not a valid OTLP request: {e.Message}", e);
            }
        }
        var appends = new Task[requests.Length];
        for (var i = 0; i < appends.Length; i++) appends[i] = AppendRequestAsync(requests[i], cancellationToken).AsTask();
        await Task.WhenAll(appends).ConfigureAwait(false);
    }

    private ValueTask AppendRequestAsync(TraceBatch batch, CancellationToken cancellationToken) =>
        _traceSizes is { } gate ? gate.WriteAsync(batch, _write, cancellationToken) : WriteAsync(batch.Encoded, batch.SpanCount, cancellationToken);

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> otlp, int spans, CancellationToken cancellationToken)
    {
        // Compressed (and sealed) here, on the caller's thread, so that callers compress in parallel and the writer only copies.
        var (codec, payload, rented) = WalCodec.Encode(otlp, _options.WalCompression, _options.Keys.Active);
        var pending = new Pending(codec, payload, rented, otlp, spans,
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _pending.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw ConsumerException.Unavailable("the trace store is shutting down");
        }
        await pending.Done.Task.ConfigureAwait(false);
    }

    /// <summary>Cuts the head now, after the appends queued before this call.</summary>
    public async Task CutNowAsync()
    {
        var marker = new Pending(WalCodec.Raw, ReadOnlyMemory<byte>.Empty, null, ReadOnlyMemory<byte>.Empty, -1,
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _pending.Writer.WriteAsync(marker).ConfigureAwait(false);
        await marker.Done.Task.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _pending.Reader;
        while (true)
        {
            bool more;
            try
            {
                more = await reader.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                more = true;
            }
            if (!more) break;
            _batch.Clear();
            _group.ResetWrittenCount();
            Pending? cutRequest = null;
            while (_group.WrittenCount < MaxGroupBytes && reader.TryRead(out var pending))
            {
                if (pending.Spans < 0)
                {
                    cutRequest = pending;
                    break;
                }
                WalFrame.Write(_group, pending.Codec, pending.Bytes.Span);
                _batch.Add(pending);
            }
            if (_batch.Count > 0) CommitGroup();
            foreach (var written in _batch)
                if (written.Rented is { } buffer) WalCodec.Return(buffer);
            if (cutRequest is not null)
            {
                if (Head.SpanCount > 0) ForceCut();
                cutRequest.Done.TrySetResult();
            }
            CutIfDue();
        }
    }

    private void CommitGroup()
    {
        try
        {
            _wal.Current.AppendDurably(_group.WrittenSpan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk fails every group until space is freed: one line per interval, with a count, and no
            // stack trace (the reason is the message).
            if (_walFailures.TryReport(out var held))
                _logger.LogError("WAL write failed ({Reason}); refusing appends with a retryable error until it succeeds " +
                    "({Held} more failed writes since the last report)", e.Message, held);
            var error = ConsumerException.Unavailable($"trace store cannot write its WAL: {ClientText.WithoutPaths(e.Message)}",
                TimeSpan.FromSeconds(5), e);
            foreach (var pending in _batch) pending.Done.TrySetException(error);
            return;
        }
        foreach (var pending in _batch)
        {
            try
            {
                var firstRow = Head.SpanCount;
                Head.Append(pending.Otlp.Span);
                Interlocked.Increment(ref _appended);
                if (_options.SpanObserver is { } observer) Observe(observer, Head.Table, firstRow);
            }
            catch (Exception e)
            {
                // Durable already; a failure to index is a bug, not the caller's problem. Never lose it silently.
                _logger.LogError(e, "indexing a durable batch failed; it stays in the WAL and is replayed on restart");
            }
            pending.Done.TrySetResult();
        }
    }

    private static void Observe(ISpanObserver observer, Model.SpanTable table, int firstRow)
    {
        var count = table.Count;
        for (var row = firstRow; row < count; row++)
            observer.Observe(new AppendedSpan(table.Service(row), table.Name(row), table.Kind(row), table.StatusCode(row), table.Duration(row)));
    }

    private void CutIfDue()
    {
        var head = Head;
        if (head.SpanCount == 0) return;
        if (head.SpanCount < _options.MaxHeadSpans && head.AppendedBytes < _options.MaxHeadBytes
            && _options.Clock.GetUtcNow() - head.CreatedAt < _options.MaxHeadAge) return;
        ForceCut();
    }

    /// <summary>Freezes the head and starts a new head on a new WAL segment (loop thread or before the loop runs).</summary>
    private void ForceCut()
    {
        var frozen = Head;
        frozen.LastSegment = _wal.CurrentSequence;
        var next = new HeadBlock(_wal.StartNewSegment(), HeadCapacity(_options), _options.Clock.GetUtcNow());
        Head = next;
        _traceSizes?.Limit.ForgetUnseen();
        _onCut(frozen, next);
    }

    public static int HeadCapacity(StoreOptions options) => options.HeadCapacity > 0 ? options.HeadCapacity + 1024 : 4096;

    /// <summary>Stops accepting, commits what is queued, and waits for the loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
