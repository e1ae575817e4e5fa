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
/// Spans are buffered as their encoding (slices of the received request under shared resource and scope envelopes,
/// see <see cref="EncodedTraceRequest"/>) and forwarded as bytes: the hot policies read the few fields they need
/// from the bytes, and only the policies that need span objects decode them, at decision time.
/// Memory is bounded by <c>num_traces</c>: pending and decided traces share one table; past it the oldest trace is
/// evicted (counted in <c>sampling_trace_dropped_too_early</c> when it was still pending). A decided trace keeps
/// only its entry (its spans are released), and the optional decision cache remembers decisions longer.
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
    private readonly Dictionary<TraceKey, TraceData> _traces;
    private readonly Queue<TraceKey> _age = new();
    private readonly Queue<TraceData> _pending = new();
    private readonly DecisionCache _sampledCache;
    private readonly DecisionCache _notSampledCache;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

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
        _policies = config.Policies.Select(PolicyBuilder.Build).ToArray();
        _traces = new Dictionary<TraceKey, TraceData>((int)Math.Min(config.NumTraces, Math.Max(1024, config.ExpectedNewTracesPerSec * 2)));
        _sampledCache = new DecisionCache(config.DecisionCache.SampledCacheSize);
        _notSampledCache = new DecisionCache(config.DecisionCache.NonSampledCacheSize);
        _metrics = new TailSamplingMetrics(settings, () => { lock (_gate) return _traces.Count; });
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
        var lateDropped = 0;
        // Cut outside the lock; bytes that cannot be walked go through the decoder (which reports what is wrong).
        var spans = EncodedTraceRequest.Split(batch.Encoded) ?? EncodedTraceRequest.Split(batch.Request.ToByteArray())!;
        lock (_gate)
        {
            foreach (var buffered in spans)
            {
                var key = TraceKey.Of(buffered.TraceId);
                if (_traces.TryGetValue(key, out var trace))
                {
                    if (trace.Decision is null) trace.Spans.Add(buffered);
                    else if (trace.Decision.Sampled) (late ??= []).Add((buffered, trace.Decision));
                    else lateDropped++;
                }
                else if (_sampledCache.TryGet(key, out var sampled)) (late ??= []).Add((buffered, sampled));
                else if (_notSampledCache.TryGet(key, out _)) lateDropped++;
                else Admit(key, now).Spans.Add(buffered);
            }
        }
        _processorMetrics.Accepted.Add(batch.SpanCount);
        if (lateDropped > 0)
        {
            _metrics.LateSpansDropped.Add(lateDropped);
            _processorMetrics.Dropped.Add(lateDropped);
        }
        if (late is null) return ValueTask.CompletedTask;
        _metrics.LateSpansKept.Add(late.Count);
        return _next.ConsumeAsync(TraceBatch.FromEncoded(EncodedTraceRequest.Assemble(late), late.Count, batch.Metadata), cancellationToken);
    }

    /// <summary>A new trace; beyond num_traces the oldest one leaves memory first.</summary>
    private TraceData Admit(TraceKey key, long now)
    {
        while (_traces.Count >= _config.NumTraces && _age.TryDequeue(out var oldest))
        {
            if (!_traces.Remove(oldest, out var evicted) || evicted.Decision is not null) continue;
            evicted.Evicted = true;
            _metrics.DroppedTooEarly.Add(1);
            _processorMetrics.Dropped.Add(evicted.Spans.Count);
        }
        var trace = new TraceData(key, now);
        _traces[key] = trace;
        _age.Enqueue(key);
        _pending.Enqueue(trace);
        _metrics.NewTraces.Add(1);
        return trace;
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
                due.Add((oldest, oldest.Spans));
                oldest.Spans = [];
            }
        }
        if (due.Count == 0) return;

        var now = _time.GetTimestamp();
        var kept = new List<(BufferedSpan Span, TraceDecision Decision)>();
        var dropped = 0;
        foreach (var (trace, spans) in due)
        {
            var view = new TraceData(trace.Key, trace.Arrival) { Spans = spans };
            var decision = Decide(view, now);
            List<BufferedSpan> arrivedMeanwhile;
            lock (_gate)
            {
                trace.Decision = decision;
                arrivedMeanwhile = trace.Spans;
                trace.Spans = [];
                (decision.Sampled ? _sampledCache : _notSampledCache).Add(trace.Key, decision);
            }
            if (decision.Sampled)
                foreach (var span in spans.Concat(arrivedMeanwhile)) kept.Add((span, decision));
            else dropped += spans.Count + arrivedMeanwhile.Count;
        }
        if (dropped > 0) _processorMetrics.Dropped.Add(dropped);
        if (kept.Count == 0) return;
        try
        {
            await _next.ConsumeAsync(TraceBatch.FromEncoded(EncodedTraceRequest.Assemble(kept), kept.Count), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _processorMetrics.Dropped.Add(kept.Count);
            _logger.LogWarning(e, "Dropping {Spans} sampled spans: the next component refused them", kept.Count);
        }
    }

    private TraceDecision Decide(TraceData trace, long now)
    {
        bool dropped = false, vetoed = false, keptDeterministically = false;
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
                case Decision.Sampled or Decision.InvertSampled when decision.Threshold is { } threshold:
                    if (probabilistic?.Threshold is not { } best || best.IsLessProbableThan(threshold)) probabilistic = decision;
                    break;
                case Decision.Sampled or Decision.InvertSampled:
                    keptDeterministically = true;
                    break;
            }
        }
        var sampled = !dropped && !vetoed && (keptDeterministically || probabilistic is not null);
        (sampled ? _metrics.GlobalSampled : _metrics.GlobalNotSampled).Add(1);
        return keptDeterministically || !sampled
            ? new TraceDecision(sampled, SamplingThreshold.Always, null)
            : new TraceDecision(true, probabilistic!.Value.Threshold!.Value, probabilistic.Value.Randomness);
    }
}
