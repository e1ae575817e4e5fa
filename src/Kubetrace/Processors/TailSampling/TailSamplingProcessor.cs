using Google.Protobuf;
using Kubetrace.Components;
using Kubetrace.Pipeline;
using Kubetrace.Processors.Sampling;
using Kubetrace.Processors.TailSampling.Policies;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Processors.TailSampling;

/// <summary>
/// The <c>tail_sampling</c> processor: holds each trace from its first span for <c>decision_wait</c>, runs the
/// policies on the whole trace, forwards it if kept, and lets spans that arrive later follow the decision.
/// </summary>
/// <remarks>
/// Spans are buffered as their encoding (cut from the received request under shared resource and scope envelopes,
/// see <see cref="EncodedTraceRequest"/>) and forwarded as bytes: the hot policies read the few fields they need
/// from the bytes, and only the policies that need span objects decode them, at decision time.
/// Buffered spans are copied into a <see cref="SpanArena"/> (the request is not kept) and counted in bytes.
/// Memory is bounded twice. By <c>num_traces</c>, as in the Collector: pending and decided traces share one table;
/// past it the oldest trace is evicted (counted in <c>sampling_trace_dropped_too_early</c> when it was still pending).
/// By Kubetrace's <c>max_buffered_bytes</c>: past it the oldest pending traces are decided at once on the spans they
/// have (counted in <c>kubetrace_processor_tail_sampling_traces_decided_early</c>), so nothing acknowledged is lost.
/// A decided trace keeps only its entry (its spans are released), and the optional decision cache remembers
/// decisions longer.
/// Final decision as in the Collector: a drop policy wins, then an inverted match ("not"), then any keep.
/// Every kept span gets the applied rate in its tracestate (<c>ot=th:…</c>; <c>th:0</c> when a deterministic policy
/// kept the trace) so that analyses can scale counts back.
/// </remarks>
public sealed class TailSamplingProcessor : IProcessor
{
    private readonly TailSamplingConfig _config;
    private readonly ITraceConsumer _next;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ProcessorMetrics _processorMetrics;
    private readonly TailSamplingMetrics _metrics;
    private readonly SamplingPolicy[] _policies;
    private readonly Lock _gate = new();
    private readonly Lock _deciding = new();
    private readonly SpanArena _arena = new();
    private readonly SpanListPool _lists = new();
    private long _bufferedBytes;
    private long _bufferedSpans;
    private readonly Dictionary<TraceKey, TraceData> _traces;
    private readonly Queue<TraceKey> _age = new();
    private readonly Queue<TraceData> _pending = new();
    private readonly List<(BufferedSpan Span, TraceDecision Decision)> _kept = []; // the decider's, under _deciding
    private readonly DecisionCache _sampledCache;
    private readonly DecisionCache _notSampledCache;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>
    /// About how many bytes of kept spans go into one forwarded request. A decision tick keeps thousands of traces
    /// (at 250k spans/s, ≈ 14 MB every 500 ms): as one array that went to the large object heap each tick, whose
    /// budget then started full (gen2) collections of the whole buffer. Below LOHThreshold (Kubetrace.csproj, 2 MiB),
    /// like the received requests themselves.
    /// </summary>
    internal const int ForwardedRequestBytes = 1024 * 1024;

    public TailSamplingProcessor(ComponentSettings settings, TailSamplingConfig config, ITraceConsumer next)
        : this(settings, config, next, TimeProvider.System)
    {
    }

    internal TailSamplingProcessor(ComponentSettings settings, TailSamplingConfig config, ITraceConsumer next, TimeProvider time)
    {
        _config = config;
        _next = next;
        _time = time;
        _logger = settings.CreateLogger();
        _processorMetrics = new ProcessorMetrics(settings);
        // Drop policies first, as the Collector orders them: a dropped trace is decided at once and spends no
        // rate_limiting or composite budget of the policies after it.
        _policies = config.Policies.OrderBy(p => p.Type == "drop" ? 0 : 1).Select(PolicyBuilder.Build).ToArray();
        _traces = new Dictionary<TraceKey, TraceData>((int)Math.Min(config.NumTraces, Math.Max(1024, config.ExpectedNewTracesPerSec * 2)));
        _sampledCache = new DecisionCache(config.DecisionCache.SampledCacheSize);
        _notSampledCache = new DecisionCache(config.DecisionCache.NonSampledCacheSize);
        _metrics = new TailSamplingMetrics(settings, () => { lock (_gate) return _traces.Count; }, () => BufferedBytes, () => BufferedSpans);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var tick = TimeSpan.FromTicks(Math.Clamp(_config.DecisionWait.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _loop = Task.Run(() => RunAsync(tick, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(TimeSpan tick, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(tick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping)) await DecideDueAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync();
        if (_loop is not null) await _loop;
        // Flush what was accepted: every pending trace is decided now rather than lost.
        await DecideAsync(long.MaxValue, cancellationToken);
    }

    public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        List<(BufferedSpan Span, TraceDecision Decision)>? late = null;
        List<(TraceData Trace, List<BufferedSpan> Spans)>? early = null;
        var lateDropped = 0;
        // Cut outside the lock; bytes that cannot be walked go through the decoder (which reports what is wrong).
        var spans = EncodedTraceRequest.Split(batch.Encoded, batch.SpanCount) ?? EncodedTraceRequest.Split(batch.Request.ToByteArray())!;
        var traces = RequestTraces.Of(spans);
        lock (_gate)
        {
            for (var t = 0; t < traces.Count; t++)
            {
                var key = traces.Key(t);
                var ofTrace = traces.SpansOf(t);
                if (_traces.TryGetValue(key, out var trace))
                {
                    if (trace.Decision is null) Hold(trace, spans, ofTrace);
                    else if (trace.Decision.Sampled) Follow(ref late, spans, ofTrace, trace.Decision);
                    else lateDropped += ofTrace.Length;
                }
                else if (_sampledCache.TryGet(key, out var sampled)) Follow(ref late, spans, ofTrace, sampled);
                else if (_notSampledCache.TryGet(key, out _)) lateDropped += ofTrace.Length;
                else Hold(Admit(key, now, ofTrace.Length), spans, ofTrace);
            }
            // Past the byte bound the oldest traces are decided now, on the spans they have, rather than dropped.
            while (_bufferedBytes > _config.MaxBufferedBytes && _pending.TryDequeue(out var oldest))
            {
                if (oldest.Evicted) continue;
                (early ??= []).Add((oldest, Detach(oldest)));
                _metrics.DecidedEarly.Add(1);
            }
        }
        _processorMetrics.Accepted.Add(batch.SpanCount);
        if (lateDropped > 0)
        {
            _metrics.LateSpansDropped.Add(lateDropped);
            _processorMetrics.Dropped.Add(lateDropped);
        }
        if (late is null && early is null) return ValueTask.CompletedTask;
        return ForwardAsync(late, early, batch.Metadata, cancellationToken);
    }

    private async ValueTask ForwardAsync(List<(BufferedSpan Span, TraceDecision Decision)>? late, List<(TraceData Trace, List<BufferedSpan> Spans)>? early,
        IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        // The early decisions first: their spans are out of the buffer and must reach a decision whatever happens next.
        if (early is not null) await DecideAndForwardAsync(early, cancellationToken);
        if (late is null) return;
        _metrics.LateSpansKept.Add(late.Count);
        await _next.ConsumeAsync(TraceBatch.FromEncoded(EncodedTraceRequest.Assemble(late), late.Count, metadata), cancellationToken);
    }

    /// <summary>A new trace; beyond num_traces the oldest one leaves memory first (the Collector's eviction: dropped, counted).</summary>
    private TraceData Admit(TraceKey key, long now, int expectedSpans)
    {
        while (_traces.Count >= _config.NumTraces && _age.TryDequeue(out var oldest))
        {
            if (!_traces.Remove(oldest, out var evicted) || evicted.Decision is not null) continue;
            evicted.Evicted = true;
            var spans = Detach(evicted);
            var count = spans.Count;
            Release(spans);
            _metrics.DroppedTooEarly.Add(1);
            _processorMetrics.Dropped.Add(count);
        }
        var trace = new TraceData(key, now, _lists.Rent(expectedSpans));
        _traces[key] = trace;
        _age.Enqueue(key);
        _pending.Enqueue(trace);
        _metrics.NewTraces.Add(1);
        return trace;
    }

    /// <summary>Buffers spans of a pending trace (its list grown once: records are 80 bytes, and growing span by span
    /// allocated more than the spans' bytes).</summary>
    private void Hold(TraceData trace, List<BufferedSpan> spans, ReadOnlySpan<int> ofTrace)
    {
        // Spans of a trace being decided start a list of their own (the decider took the first).
        if (ReferenceEquals(trace.Spans, SpanListPool.None)) trace.Spans = _lists.Rent(ofTrace.Length);
        else trace.Spans.EnsureCapacity(trace.Spans.Count + ofTrace.Length);
        foreach (var i in ofTrace) Hold(trace, spans[i]);
    }

    private static void Follow(ref List<(BufferedSpan Span, TraceDecision Decision)>? late, List<BufferedSpan> spans, ReadOnlySpan<int> ofTrace, TraceDecision decision)
    {
        late ??= [];
        foreach (var i in ofTrace) late.Add((spans[i], decision));
    }

    /// <summary>Buffers a span of a pending trace: its bytes copied into the arena (the request is not kept), counted.</summary>
    private void Hold(TraceData trace, BufferedSpan span)
    {
        trace.Spans.Add(_arena.Hold(span));
        trace.Bytes += span.Encoded.Length;
        _bufferedBytes += span.Encoded.Length;
        _bufferedSpans++;
    }

    /// <summary>Takes a trace's buffered spans out of the count (to be decided or dropped); the caller releases them.</summary>
    private List<BufferedSpan> Detach(TraceData trace)
    {
        var spans = trace.Spans;
        trace.Spans = SpanListPool.None;
        _bufferedBytes -= trace.Bytes;
        _bufferedSpans -= spans.Count;
        trace.Bytes = 0;
        return spans;
    }

    /// <summary>Gives detached spans' arena bytes and their list back; under the lock, once nothing reads them any more.</summary>
    private void Release(List<BufferedSpan> spans)
    {
        foreach (var span in spans)
            if (span.Slab is { } slab) _arena.Release(slab);
        _lists.Return(spans, _pending.Count / 4 + 64);
    }

    /// <summary>Bytes of the spans buffered (their encodings, as received), the quantity max_buffered_bytes bounds.</summary>
    internal long BufferedBytes
    {
        get
        {
            lock (_gate) return _bufferedBytes;
        }
    }

    internal long BufferedSpans
    {
        get
        {
            lock (_gate) return _bufferedSpans;
        }
    }

    /// <summary>Bytes of arena slabs holding buffered spans: the memory behind <see cref="BufferedBytes"/>.</summary>
    internal long ArenaBytesInUse
    {
        get
        {
            lock (_gate) return _arena.BytesInUse;
        }
    }

    /// <summary>Decides every trace whose decision_wait has passed (the loop's tick; tests call it directly).</summary>
    internal Task DecideDueAsync(CancellationToken cancellationToken) =>
        DecideAsync(_time.GetTimestamp() - (long)(_config.DecisionWait.TotalSeconds * _time.TimestampFrequency), cancellationToken);

    private async Task DecideAsync(long arrivedBy, CancellationToken cancellationToken)
    {
        var due = new List<(TraceData Trace, List<BufferedSpan> Spans)>();
        lock (_gate)
        {
            while (_pending.TryPeek(out var oldest) && oldest.Arrival <= arrivedBy)
            {
                _pending.Dequeue();
                if (oldest.Evicted) continue;
                due.Add((oldest, Detach(oldest)));
            }
        }
        if (due.Count > 0) await DecideAndForwardAsync(due, cancellationToken);
    }

    /// <summary>
    /// Runs the policies on detached traces (one decider at a time: the decision loop, or a consumer past the byte
    /// bound), records the decisions for late spans, forwards the kept spans as requests of about
    /// <see cref="ForwardedRequestBytes"/>, and releases the bytes.
    /// </summary>
    private async Task DecideAndForwardAsync(List<(TraceData Trace, List<BufferedSpan> Spans)> due, CancellationToken cancellationToken)
    {
        var detached = due.Select(d => d.Spans).ToList();
        var requests = new List<(byte[] Request, int Spans)>();
        var dropped = 0;
        try
        {
            lock (_deciding)
            {
                var kept = _kept;
                var keptBytes = 0L;
                var now = _time.GetTimestamp();
                foreach (var (trace, spans) in due)
                {
                    var decision = Decide(new TraceData(trace.Key, trace.Arrival, spans), now);
                    List<BufferedSpan> arrivedMeanwhile;
                    lock (_gate)
                    {
                        trace.Decision = decision;
                        arrivedMeanwhile = Detach(trace);
                        (decision.Sampled ? _sampledCache : _notSampledCache).Add(trace.Key, decision);
                    }
                    detached.Add(arrivedMeanwhile);
                    if (!decision.Sampled)
                    {
                        dropped += spans.Count + arrivedMeanwhile.Count;
                        continue;
                    }
                    keptBytes += Keep(kept, spans, decision) + Keep(kept, arrivedMeanwhile, decision);
                    if (keptBytes < ForwardedRequestBytes) continue;
                    requests.Add((EncodedTraceRequest.Assemble(kept), kept.Count));
                    kept.Clear();
                    keptBytes = 0;
                }
                if (kept.Count > 0) requests.Add((EncodedTraceRequest.Assemble(kept), kept.Count));
                kept.Clear();
            }
        }
        finally
        {
            lock (_gate)
                foreach (var spans in detached) Release(spans);
        }
        if (dropped > 0) _processorMetrics.Dropped.Add(dropped);
        foreach (var (request, spans) in requests)
        {
            try
            {
                await _next.ConsumeAsync(TraceBatch.FromEncoded(request, spans), cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _processorMetrics.Dropped.Add(spans);
                _logger.LogWarning(e, "Dropping {Spans} sampled spans: the next component refused them", spans);
            }
        }
    }

    /// <summary>Adds a kept trace's spans to the request being assembled; returns their bytes.</summary>
    private static long Keep(List<(BufferedSpan Span, TraceDecision Decision)> kept, List<BufferedSpan> spans, TraceDecision decision)
    {
        var bytes = 0L;
        foreach (var span in spans)
        {
            kept.Add((span, decision));
            bytes += span.Encoded.Length;
        }
        return bytes;
    }

    /// <summary>
    /// The trace's decision with the Collector's precedence (processor.go makeDecision): a drop wins and ends the
    /// evaluation; then an inverted "no" (invert_match matched); then any plain "yes"; an inverted "yes" keeps only
    /// when no policy answered a plain "no".
    /// </summary>
    private TraceDecision Decide(TraceData trace, long now)
    {
        bool dropped = false, vetoed = false, keptDeterministically = false, invertKept = false, notSampled = false;
        PolicyDecision? probabilistic = null;
        foreach (var policy in _policies)
        {
            var decision = policy.Evaluate(trace, now);
            _metrics.CountPolicy(policy.Name, decision.Keeps);
            switch (decision.Decision)
            {
                case Decision.Dropped:
                    dropped = true;
                    break;
                case Decision.InvertNotSampled:
                    vetoed = true;
                    break;
                case Decision.NotSampled:
                    notSampled = true;
                    break;
                case Decision.InvertSampled:
                    invertKept = true;
                    break;
                case Decision.Sampled when decision.Threshold is { } threshold:
                    if (probabilistic?.Threshold is not { } best || best.IsLessProbableThan(threshold)) probabilistic = decision;
                    break;
                case Decision.Sampled:
                    keptDeterministically = true;
                    break;
            }
            if (dropped) break;
        }
        keptDeterministically |= invertKept && !notSampled;
        var sampled = !dropped && !vetoed && (keptDeterministically || probabilistic is not null);
        (sampled ? _metrics.GlobalSampled : _metrics.GlobalNotSampled).Add(1);
        return keptDeterministically || !sampled
            ? sampled ? TraceDecision.KeptAlways : TraceDecision.NotSampled
            : new TraceDecision(true, probabilistic!.Value.Threshold!.Value, probabilistic.Value.Randomness);
    }
}
