using Kubetrace.Processors.Ottl;

namespace Kubetrace.Processors.TailSampling.Policies;

/// <summary>
/// ottl_condition: keeps a trace when any span satisfies any <c>span</c> condition or any span event any
/// <c>spanevent</c> condition (the Kubetrace OTTL subset; see Processors/Ottl). With error_mode ignore (or silent) a
/// condition that fails counts as false; with propagate the policy does not keep the trace.
/// </summary>
internal sealed class OttlConditionPolicy(string name, OttlConditionConfig config) : SamplingPolicy(name)
{
    private readonly OttlProgram _spans = OttlProgram.ForConditions(config.Span, OttlContext.Span);
    private readonly OttlProgram _events = OttlProgram.ForConditions(config.Spanevent, OttlContext.SpanEvent);

    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        try
        {
            for (var i = 0; i < trace.Spans.Count; i++)
            {
                if (_spans.Conditions.Count > 0 && _spans.AnyCondition(OttlView.ForSpan(trace.Decoded(i), trace.Spans[i].Resource))) return PolicyDecision.Sampled;
                if (_events.Conditions.Count == 0) continue;
                foreach (var spanEvent in trace.Decoded(i).Events)
                    if (_events.AnyCondition(OttlView.ForEvent(spanEvent))) return PolicyDecision.Sampled;
            }
        }
        catch (OttlException)
        {
            // Both modes leave the trace to the other policies; only "propagate" would have reported it upstream.
        }
        return PolicyDecision.NotSampled;
    }
}
