using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Processors.TailSampling.Policies;

internal sealed class AlwaysSamplePolicy(string name) : SamplingPolicy(name)
{
    public override PolicyDecision Evaluate(TraceData trace, long now) => PolicyDecision.Sampled;
}

/// <summary>latency: the trace's duration (earliest start to latest end) at least threshold_ms, and at most upper_threshold_ms when set.</summary>
internal sealed class LatencyPolicy(string name, LatencyConfig config) : SamplingPolicy(name)
{
    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        var milliseconds = trace.Duration.TotalMilliseconds;
        return PolicyDecision.Of(milliseconds >= config.ThresholdMs && (config.UpperThresholdMs == 0 || milliseconds <= config.UpperThresholdMs));
    }
}

/// <summary>status_code: any span with one of the listed status codes.</summary>
internal sealed class StatusCodePolicy(string name, StatusCodeConfig config) : SamplingPolicy(name)
{
    private readonly HashSet<int> _codes = config.StatusCodes.Select(code => code switch
    {
        "OK" => Status.Types.StatusCode.Ok,
        "ERROR" => Status.Types.StatusCode.Error,
        _ => Status.Types.StatusCode.Unset,
    }).Select(code => (int)code).ToHashSet();

    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        foreach (var buffered in trace.Spans)
            if (_codes.Contains(buffered.Fields.StatusCode)) return PolicyDecision.Sampled;
        return PolicyDecision.NotSampled;
    }
}

/// <summary>span_count: at least min_spans spans, and at most max_spans when set.</summary>
internal sealed class SpanCountPolicy(string name, SpanCountConfig config) : SamplingPolicy(name)
{
    public override PolicyDecision Evaluate(TraceData trace, long now) =>
        PolicyDecision.Of(trace.Spans.Count >= config.MinSpans && (config.MaxSpans == 0 || trace.Spans.Count <= config.MaxSpans));
}
