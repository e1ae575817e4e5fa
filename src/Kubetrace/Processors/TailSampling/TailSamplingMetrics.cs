using Kubetrace.Components;
using Kubetrace.Telemetry;

namespace Kubetrace.Processors.TailSampling;

/// <summary>The Collector's tail sampling telemetry (names of processor/tailsamplingprocessor/documentation.md).</summary>
internal sealed class TailSamplingMetrics
{
    private const string Prefix = "otelcol_processor_tail_sampling_";
    private readonly ComponentSettings _settings;
    private readonly Dictionary<(string Policy, bool Sampled), Counter> _byPolicy = [];

    public TailSamplingMetrics(ComponentSettings settings, Func<double> tracesOnMemory, Func<double> bufferedBytes, Func<double> bufferedSpans)
    {
        _settings = settings;
        var processor = ("processor", settings.Id.ToString());
        GlobalSampled = settings.Metrics.Counter(Prefix + "global_count_traces_sampled", "Traces sampled by at least one policy", processor, ("sampled", "true"));
        GlobalNotSampled = settings.Metrics.Counter(Prefix + "global_count_traces_sampled", "Traces sampled by at least one policy", processor, ("sampled", "false"));
        DroppedTooEarly = settings.Metrics.Counter(Prefix + "sampling_trace_dropped_too_early",
            "Traces evicted from memory (num_traces exceeded) before their decision", processor);
        NewTraces = settings.Metrics.Counter(Prefix + "new_trace_id_received", "Traces seen for the first time", processor);
        LateSpansKept = settings.Metrics.Counter("kubetrace_processor_tail_sampling_late_spans", "Spans that arrived after their trace's decision and followed it",
            processor, ("sampled", "true"));
        LateSpansDropped = settings.Metrics.Counter("kubetrace_processor_tail_sampling_late_spans", "Spans that arrived after their trace's decision and followed it",
            processor, ("sampled", "false"));
        settings.Metrics.Gauge(Prefix + "sampling_traces_on_memory", "Traces held in memory (pending and decided)", tracesOnMemory, processor);
        // Kubetrace's own: the byte bound (max_buffered_bytes) and what it counts.
        DecidedEarly = settings.Metrics.Counter("kubetrace_processor_tail_sampling_traces_decided_early",
            "Pending traces decided before decision_wait because the buffered spans reached max_buffered_bytes", processor);
        settings.Metrics.Gauge("kubetrace_processor_tail_sampling_buffered_bytes", "Encoded bytes of the spans waiting for their trace's decision", bufferedBytes, processor);
        settings.Metrics.Gauge("kubetrace_processor_tail_sampling_buffered_spans", "Spans waiting for their trace's decision", bufferedSpans, processor);
    }

    public Counter GlobalSampled { get; }

    public Counter GlobalNotSampled { get; }

    public Counter DroppedTooEarly { get; }

    public Counter NewTraces { get; }

    public Counter DecidedEarly { get; }

    public Counter LateSpansKept { get; }

    public Counter LateSpansDropped { get; }

    /// <summary><c>count_traces_sampled{policy, sampled}</c>; called on the decision loop only.</summary>
    public void CountPolicy(string policy, bool sampled)
    {
        if (!_byPolicy.TryGetValue((policy, sampled), out var counter))
            _byPolicy[(policy, sampled)] = counter = _settings.Metrics.Counter(Prefix + "count_traces_sampled",
                "Traces sampled or not by each policy", ("processor", _settings.Id.ToString()), ("policy", policy), ("sampled", sampled ? "true" : "false"));
        counter.Add(1);
    }
}
