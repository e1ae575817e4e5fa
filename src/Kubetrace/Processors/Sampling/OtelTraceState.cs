using System.Text;

namespace Kubetrace.Processors.Sampling;

/// <summary>
/// A W3C <c>tracestate</c> with its OpenTelemetry entry (<c>ot=th:…;rv:…</c>) parsed: the threshold and the
/// explicit randomness can be read and changed, every other member and <c>ot</c> sub-key is kept as it came.
/// </summary>
/// <remarks>
/// Serializing puts <c>ot</c> first, as W3C asks of a member a vendor has just updated. Invalid input (too many
/// members, a member without <c>=</c>, a malformed <c>th</c> or <c>rv</c>) is refused rather than repaired: the
/// sampler then applies <c>fail_closed</c>, as the Collector does.
/// </remarks>
public sealed class OtelTraceState
{
    private const int MaxMembers = 32;
    private const int MaxOtelValueLength = 256;

    private readonly List<string> _otherMembers = [];
    private readonly List<string> _otherOtelValues = [];

    private OtelTraceState()
    {
    }

    public SamplingThreshold? Threshold { get; private set; }

    public ulong? Randomness { get; private set; }

    public static OtelTraceState Empty() => new();

    public static bool TryParse(string raw, out OtelTraceState state, out string error)
    {
        state = new OtelTraceState();
        error = "";
        if (raw.Length == 0) return true;
        var members = 0;
        foreach (var range in raw.AsSpan().Split(','))
        {
            var member = raw.AsSpan()[range].Trim(" \t");
            if (member.IsEmpty) continue; // W3C allows empty list members
            if (++members > MaxMembers) return Fail("more than 32 list members", out error);
            var equals = member.IndexOf('=');
            if (equals <= 0 || equals == member.Length - 1) return Fail($"list member \"{member}\" is not key=value", out error);
            if (member[..equals] is "ot")
            {
                if (!state.TryParseOtel(member[(equals + 1)..], out error)) return false;
            }
            else
            {
                state._otherMembers.Add(member.ToString());
            }
        }
        return true;
    }

    private bool TryParseOtel(ReadOnlySpan<char> value, out string error)
    {
        error = "";
        if (value.Length > MaxOtelValueLength) return Fail("the ot value is longer than 256 characters", out error);
        foreach (var range in value.Split(';'))
        {
            var field = value[range];
            var colon = field.IndexOf(':');
            if (colon <= 0) return Fail($"ot sub-key \"{field}\" is not key:value", out error);
            var key = field[..colon];
            var text = field[(colon + 1)..];
            if (key is "th")
            {
                if (!SamplingThreshold.TryParse(text, out var threshold)) return Fail($"invalid th \"{text}\"", out error);
                Threshold = threshold;
            }
            else if (key is "rv")
            {
                if (!SamplingRandomness.TryParse(text, out var randomness)) return Fail($"invalid rv \"{text}\"", out error);
                Randomness = randomness;
            }
            else
            {
                _otherOtelValues.Add(field.ToString());
            }
        }
        return true;
    }

    private static bool Fail(string problem, out string error)
    {
        error = $"invalid tracestate: {problem}";
        return false;
    }

    public void ClearThreshold() => Threshold = null;

    public void SetRandomness(ulong randomness) => Randomness = randomness & SamplingRandomness.Mask;

    /// <summary>
    /// Records that the span was kept at <paramref name="threshold"/>. A threshold is only ever raised (probability
    /// only falls): a span that arrived sampled at a lower probability keeps its own, as the specification asks.
    /// </summary>
    /// <returns>False when the arriving threshold was kept because it was already less probable.</returns>
    public bool UpdateThreshold(SamplingThreshold threshold)
    {
        if (Threshold is { } existing && existing.IsLessProbableThan(threshold)) return false;
        Threshold = threshold.Unsigned >= SamplingThreshold.MaxAdjustedCount ? null : threshold;
        return true;
    }

    public string Serialize()
    {
        var builder = new StringBuilder(64);
        var otelFields = 0;
        void OtelSeparator()
        {
            builder.Append(otelFields++ == 0 ? "ot=" : ";");
        }
        if (Threshold is { } threshold)
        {
            OtelSeparator();
            builder.Append("th:").Append(threshold.TValue());
        }
        if (Randomness is { } randomness)
        {
            OtelSeparator();
            builder.Append("rv:").Append(SamplingRandomness.Format(randomness));
        }
        foreach (var field in _otherOtelValues)
        {
            OtelSeparator();
            builder.Append(field);
        }
        foreach (var member in _otherMembers)
        {
            if (builder.Length > 0) builder.Append(',');
            builder.Append(member);
        }
        return builder.ToString();
    }
}
