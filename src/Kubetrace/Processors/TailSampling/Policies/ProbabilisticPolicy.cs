using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Kubetrace.Processors.Sampling;

namespace Kubetrace.Processors.TailSampling.Policies;

/// <summary>
/// probabilistic: keeps a trace when the FNV-1a 64 hash of the salt (default "default-hash-seed") and the trace ID is
/// at most ⌊ratio × (2^64 − 1)⌋, as the Collector does; or, with Kubetrace's <c>sampling_rate_per_million</c>, by the
/// Kubernetes components' TraceIDRatioBased rule. Either way a keep carries the threshold and an rv consistent with
/// it, written into the kept spans so that counts can be scaled back.
/// </summary>
internal sealed class ProbabilisticPolicy : SamplingPolicy
{
    private const string DefaultSalt = "default-hash-seed";
    private readonly byte[] _salt;
    private readonly ulong _hashBound;
    private readonly TraceIdRatio? _ratio;
    private readonly SamplingThreshold _threshold;

    public ProbabilisticPolicy(string name, ProbabilisticConfig config) : base(name)
    {
        _salt = Encoding.UTF8.GetBytes(config.HashSalt.Length == 0 ? DefaultSalt : config.HashSalt);
        if (config.SamplingRatePerMillion is { } rate)
        {
            _ratio = TraceIdRatio.FromRatePerMillion(rate);
            _threshold = _ratio.Value.ConsistentThreshold.RoundedDown(4);
        }
        else
        {
            _hashBound = Bound(config.SamplingPercentage / 100);
            _threshold = new SamplingThreshold(SamplingRandomness.Mask - (_hashBound >> 8)).RoundedDown(4);
        }
    }

    public override PolicyDecision Evaluate(TraceData trace, long now)
    {
        var traceId = trace.TraceIdBytes;
        if (_ratio is { } ratio)
            return ratio.Keeps(traceId) ? new PolicyDecision(Decision.Sampled, _threshold, TraceIdRatio.ConsistentRandomness(traceId)) : PolicyDecision.NotSampled;
        var hash = Hash(traceId);
        return hash <= _hashBound ? new PolicyDecision(Decision.Sampled, _threshold, SamplingRandomness.Mask - (hash >> 8)) : PolicyDecision.NotSampled;
    }

    private ulong Hash(ReadOnlySpan<byte> traceId)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in _salt) hash = (hash ^ b) * 1099511628211UL;
        foreach (var b in traceId) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }

    /// <summary>⌊ratio × (2^64 − 1)⌋ computed exactly (the Collector uses big.Float), saturating at both ends.</summary>
    private static ulong Bound(double ratio)
    {
        if (ratio <= 0) return 0;
        if (ratio >= 1) return ulong.MaxValue;
        var bits = BitConverter.DoubleToInt64Bits(ratio);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent++; else mantissa |= 1L << 52;
        var shift = 1075 - exponent; // ratio = mantissa × 2^-shift
        var product = new BigInteger(ulong.MaxValue) * mantissa >> shift;
        return (ulong)product;
    }
}
