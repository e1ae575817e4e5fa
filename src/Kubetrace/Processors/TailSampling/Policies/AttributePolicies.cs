using System.Text.RegularExpressions;
using Kubetrace.Otlp.Proto.Common;

namespace Kubetrace.Processors.TailSampling.Policies;

/// <summary>
/// string_attribute: a string value of <c>key</c> (on a resource or span) equal to one of <c>values</c>, or matching
/// one of them as a regex (unanchored, as Go's MatchString). With invert_match a match vetoes and no match keeps.
/// </summary>
internal sealed class StringAttributePolicy : SamplingPolicy
{
    private readonly StringAttributeConfig _config;
    private readonly HashSet<string> _exact;
    private readonly Regex[] _patterns;

    public StringAttributePolicy(string name, StringAttributeConfig config) : base(name)
    {
        _config = config;
        _exact = config.EnabledRegexMatching ? [] : [.. config.Values];
        _patterns = config.EnabledRegexMatching ? config.Values.Select(v => CollectorRegex.Compile(v)).ToArray() : [];
    }

    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        var matched = false;
        foreach (var value in trace.Values(_config.Key))
        {
            if (value.ValueCase == AnyValue.ValueOneofCase.StringValue && Matches(value.StringValue))
            {
                matched = true;
                break;
            }
        }
        return _config.InvertMatch ? PolicyDecision.Inverted(matched) : PolicyDecision.Of(matched);
    }

    private bool Matches(string value)
    {
        if (!_config.EnabledRegexMatching) return _exact.Contains(value);
        foreach (var pattern in _patterns)
            if (pattern.IsMatch(value)) return true;
        return false;
    }
}

/// <summary>numeric_attribute: an integer value of <c>key</c> within [min_value, max_value] (an unset bound is open).</summary>
internal sealed class NumericAttributePolicy(string name, NumericAttributeConfig config) : SamplingPolicy(name)
{
    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        var matched = false;
        foreach (var value in trace.Values(config.Key))
        {
            if (value.ValueCase != AnyValue.ValueOneofCase.IntValue) continue;
            if (value.IntValue >= (config.MinValue ?? long.MinValue) && value.IntValue <= (config.MaxValue ?? long.MaxValue))
            {
                matched = true;
                break;
            }
        }
        return config.InvertMatch ? PolicyDecision.Inverted(matched) : PolicyDecision.Of(matched);
    }
}

/// <summary>boolean_attribute: a boolean value of <c>key</c> equal to <c>value</c>.</summary>
internal sealed class BooleanAttributePolicy(string name, BooleanAttributeConfig config) : SamplingPolicy(name)
{
    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        var matched = trace.Values(config.Key).Any(v => v.ValueCase == AnyValue.ValueOneofCase.BoolValue && v.BoolValue == config.Value);
        return config.InvertMatch ? PolicyDecision.Inverted(matched) : PolicyDecision.Of(matched);
    }
}

/// <summary>trace_state: a span whose W3C tracestate has <c>key=value</c> with value in <c>values</c>.</summary>
internal sealed class TraceStatePolicy(string name, TraceStateConfig config) : SamplingPolicy(name)
{
    private readonly HashSet<string> _members = config.Values.Select(v => $"{config.Key}={v}").ToHashSet(StringComparer.Ordinal);

    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        foreach (var buffered in trace.Spans)
        {
            if (buffered.TraceState.IsEmpty) continue;
            var state = System.Text.Encoding.UTF8.GetString(buffered.TraceState);
            foreach (var range in state.AsSpan().Split(','))
                if (_members.Contains(state.AsSpan()[range].Trim().ToString())) return PolicyDecision.Sampled;
        }
        return PolicyDecision.NotSampled;
    }
}
