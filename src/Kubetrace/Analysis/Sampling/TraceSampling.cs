using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// Per trace, whose sampling decision each span rests on. Kubernetes components and etcd sample with
/// ParentBased(TraceIDRatioBased(rate/1e6)) (k8s.io/component-base tracing/utils.go, v0.27.0 lines 79–85 to
/// v0.36.0 lines 81–87; etcd server/embed/config_tracing.go line 80 from v3.5.11): a span under a sampled parent is
/// kept with it, so every span of a trace was kept with the probability of the trace's root, once.
/// containerd 1.6 and 1.7.16+ sample by trace ID ratio alone (1.6.20 tracing/plugin/otlp.go line 145; 1.7.20 lines
/// 169–171 set OTEL_TRACES_SAMPLER=traceidratio): its spans were kept with containerd's own rate.
/// A state calls <see cref="Begin"/> for each trace and tallies its rows with it (<see cref="SampleTally.Record"/>).
/// </summary>
public sealed class TraceSampling
{
    /// <summary>Components whose sampler ignores the parent's decision.</summary>
    private static readonly string[] IndependentSamplers = ["containerd"];

    private static long s_stamps;
    private SamplingBasis _root = new("", -1);
    private string? _lastTraceState;
    private long _lastThreshold = -1;

    /// <summary>A number no other trace of any state has: how a row counts each trace once.</summary>
    public long Stamp { get; private set; }

    /// <summary>A new stamp (never <see cref="SampleTally.CountedTrace"/>), for a trace read from kept observations.</summary>
    public static long NextStamp() => Interlocked.Increment(ref s_stamps);

    /// <summary>The trace <see cref="Begin"/> was last called with: rows take their examples from it (<see cref="ExampleTraces"/>).</summary>
    public TraceId TraceId { get; private set; }

    public void Begin(ScannedTrace trace)
    {
        Stamp = NextStamp();
        TraceId = trace.TraceId;
        var decider = DeciderOf(trace.Spans);
        _root = decider is null ? new("", -1) : new(decider.Service, ThresholdOf(decider.TraceState));
    }

    /// <summary>The decision a whole trace was kept by (single-trace analyses: what the trace stands for).</summary>
    public static SamplingBasis RootBasisOf(IEnumerable<ScannedSpan> spans) =>
        DeciderOf(spans) is { } decider ? new(decider.Service, OtelThreshold.Parse(decider.TraceState)) : new("", -1);

    /// <summary>The root span, the earliest when several; without one (its parent was not stored) the earliest span.</summary>
    private static ScannedSpan? DeciderOf(IEnumerable<ScannedSpan> spans)
    {
        ScannedSpan? root = null, earliest = null;
        foreach (var span in spans)
        {
            if (span.IsRoot && (root is null || span.StartUnixNano < root.StartUnixNano)) root = span;
            if (earliest is null || span.StartUnixNano < earliest.StartUnixNano) earliest = span;
        }
        return root ?? earliest;
    }

    /// <summary>The decision <paramref name="span"/> (of the trace given to <see cref="Begin"/>) was kept by.</summary>
    public SamplingBasis BasisOf(ScannedSpan span)
    {
        foreach (var independent in IndependentSamplers)
            if (span.Service == independent) return new(span.Service, ThresholdOf(span.TraceState));
        // A threshold on the span itself is the one its sampler applied (a ParentBased child carries its root's).
        if (span.TraceState is not null && ThresholdOf(span.TraceState) is var threshold and >= 0) return _root with { Threshold = threshold };
        return _root;
    }

    /// <summary>Parsed once per distinct text in a row: every span of a sampler carries the same tracestate.</summary>
    private long ThresholdOf(string? traceState)
    {
        if (traceState is null) return -1;
        if (!ReferenceEquals(traceState, _lastTraceState) && traceState != _lastTraceState)
        {
            _lastThreshold = OtelThreshold.Parse(traceState);
            _lastTraceState = traceState;
        }
        return _lastThreshold;
    }
}
