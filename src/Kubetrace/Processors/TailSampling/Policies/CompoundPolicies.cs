using System.Diagnostics;
using Kubetrace.Processors.Sampling;

namespace Kubetrace.Processors.TailSampling.Policies;

/// <summary>and: keeps when every sub-policy keeps; the least probable sub-policy threshold is the trace's.</summary>
internal sealed class AndPolicy(string name, SamplingPolicy[] policies) : SamplingPolicy(name)
{
    public override PolicyDecision Evaluate(TraceData trace, long now) => AllKeep(policies, trace, now);

    public static PolicyDecision AllKeep(SamplingPolicy[] policies, TraceData trace, long now)
    {
        SamplingThreshold? threshold = null;
        ulong? randomness = null;
        foreach (var policy in policies)
        {
            var decision = policy.Evaluate(trace, now);
            if (!decision.Keeps) return PolicyDecision.NotSampled;
            if (decision.Threshold is { } t && (threshold is null || t.IsLessProbableThan(threshold.Value)))
                (threshold, randomness) = (t, decision.Randomness);
        }
        return new PolicyDecision(Decision.Sampled, threshold, randomness);
    }
}

/// <summary>not: keeps exactly when the sub-policy does not.</summary>
internal sealed class NotPolicy(string name, SamplingPolicy policy) : SamplingPolicy(name)
{
    public override PolicyDecision Evaluate(TraceData trace, long now) => PolicyDecision.Of(!policy.Evaluate(trace, now).Keeps);
}

/// <summary>drop: when every sub-policy matches the trace is dropped, whatever the other policies say.</summary>
internal sealed class DropPolicy(string name, SamplingPolicy[] policies) : SamplingPolicy(name)
{
    public override PolicyDecision Evaluate(TraceData trace, long now) =>
        AndPolicy.AllKeep(policies, trace, now).Keeps ? new PolicyDecision(Decision.Dropped) : PolicyDecision.NotSampled;
}

/// <summary>
/// composite: sub-policies in policy_order; the first that keeps the trace does so if its share of
/// max_total_spans_per_second (rate_allocation percent; the unallocated rest split evenly among the others) is not
/// spent in the current second.
/// </summary>
internal sealed class CompositePolicy : SamplingPolicy
{
    private readonly (SamplingPolicy Policy, long SpansPerSecond)[] _ordered;
    private readonly long[] _spent;
    private long _second = long.MinValue;

    public CompositePolicy(string name, CompositeConfig config, IReadOnlyDictionary<string, SamplingPolicy> byName) : base(name)
    {
        var order = config.PolicyOrder.Count > 0 ? config.PolicyOrder : config.CompositeSubPolicy.Select(p => p.Name).ToList();
        var allocated = config.RateAllocation.ToDictionary(a => a.Policy, a => a.Percent);
        var unallocated = order.Count(n => !allocated.ContainsKey(n));
        var restPercent = unallocated == 0 ? 0 : Math.Max(0, 100 - allocated.Values.Sum()) / (double)unallocated;
        _ordered = order.Where(byName.ContainsKey)
            .Select(n => (byName[n], (long)(config.MaxTotalSpansPerSecond * (allocated.TryGetValue(n, out var p) ? p : restPercent) / 100)))
            .ToArray();
        _spent = new long[_ordered.Length];
    }

    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        var second = now / Stopwatch.Frequency;
        if (second != _second)
        {
            _second = second;
            Array.Clear(_spent);
        }
        for (var i = 0; i < _ordered.Length; i++)
        {
            var decision = _ordered[i].Policy.Evaluate(trace, now);
            if (!decision.Keeps) continue;
            if (_spent[i] + trace.Spans.Count > _ordered[i].SpansPerSecond) return PolicyDecision.NotSampled;
            _spent[i] += trace.Spans.Count;
            return decision with { Decision = Decision.Sampled };
        }
        return PolicyDecision.NotSampled;
    }
}
