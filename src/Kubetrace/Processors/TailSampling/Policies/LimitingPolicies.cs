using System.Diagnostics;

namespace Kubetrace.Processors.TailSampling.Policies;

/// <summary>rate_limiting: keeps traces while the spans kept in the current second stay within spans_per_second.</summary>
internal sealed class RateLimitingPolicy(string name, RateLimitingConfig config) : SamplingPolicy(name)
{
    private long _second = long.MinValue;
    private long _spansThisSecond;

    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        var second = now / Stopwatch.Frequency;
        if (second != _second)
        {
            _second = second;
            _spansThisSecond = 0;
        }
        if (_spansThisSecond + trace.Spans.Count > config.SpansPerSecond) return PolicyDecision.NotSampled;
        _spansThisSecond += trace.Spans.Count;
        return PolicyDecision.Sampled;
    }
}

/// <summary>bytes_limiting: a token bucket of burst_capacity bytes (default twice the rate) refilled at bytes_per_second.</summary>
internal sealed class BytesLimitingPolicy(string name, BytesLimitingConfig config) : SamplingPolicy(name)
{
    private readonly double _capacity = config.BurstCapacity > 0 ? config.BurstCapacity : 2.0 * config.BytesPerSecond;
    private double _tokens = config.BurstCapacity > 0 ? config.BurstCapacity : 2.0 * config.BytesPerSecond;
    private long _last = long.MinValue;

    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        if (_last != long.MinValue) _tokens = Math.Min(_capacity, _tokens + (now - _last) / (double)Stopwatch.Frequency * config.BytesPerSecond);
        _last = now;
        long bytes = 0;
        foreach (var buffered in trace.Spans) bytes += buffered.Encoded.Length;
        if (bytes > _tokens) return PolicyDecision.NotSampled;
        _tokens -= bytes;
        return PolicyDecision.Sampled;
    }
}
