using Kubetrace.Processors.Sampling;

namespace Kubetrace.Processors.ProbabilisticSampler;

/// <summary>
/// One sampling mode: where a span's randomness comes from and which threshold it is compared with. The order of
/// steps around it (consistency check, fail_closed, sampling.priority, writing th) is the processor's, shared by all.
/// </summary>
internal abstract class SpanSampler
{
    /// <summary>The span's randomness; may record it in <paramref name="state"/> (hash modes write rv).</summary>
    /// <returns>An error that makes the processor apply fail_closed, or null.</returns>
    public abstract string? Randomness(ReadOnlySpan<byte> traceId, OtelTraceState state, out SpanRandomness randomness);

    public abstract SamplingThreshold Decide(OtelTraceState state);

    public virtual bool ShouldSample(SamplingThreshold threshold, SpanRandomness randomness, ReadOnlySpan<byte> traceId) =>
        threshold.ShouldSample(randomness.Value);

    public static SpanSampler For(ProbabilisticSamplerConfig config)
    {
        if (config.SamplingRatePerMillion is { } rate) return new TraceIdRatioSampler(TraceIdRatio.FromRatePerMillion(rate), config.SamplingPrecision);
        var percentage = Math.Min(config.SamplingPercentage, 100f);
        var mode = config.EffectiveMode;
        if (percentage == 0) return new FixedThresholdSampler(SamplingThreshold.Never);
        var ratio = Math.Max(percentage / 100.0, SamplingThreshold.MinProbability);
        switch (mode)
        {
            case SamplerMode.Equalizing:
                SamplingThreshold.TryFromProbability(ratio, config.SamplingPrecision, out var threshold);
                return new FixedThresholdSampler(threshold);
            case SamplerMode.Proportional:
                return new ProportionalSampler(ratio, config.SamplingPrecision);
            default:
                return FnvHashSampler.Create(percentage, config.HashSeed);
        }
    }

    /// <summary>Randomness of the consistent modes: rv if present, else the trace ID's last 56 bits.</summary>
    protected static string? ConsistentRandomness(ReadOnlySpan<byte> traceId, OtelTraceState state, out SpanRandomness randomness)
    {
        if (state.Randomness is { } rv) randomness = new SpanRandomness(rv, RandomnessSource.ExplicitRv);
        else if (SamplingRandomness.IsEmptyTraceId(traceId)) randomness = SpanRandomness.Missing;
        else randomness = new SpanRandomness(SamplingRandomness.FromTraceId(traceId), RandomnessSource.TraceIdW3C);
        return null;
    }

    /// <summary>Hash modes must not overwrite a consistent sampler's rv or th: using them there is a configuration mistake.</summary>
    protected static string? RefuseExistingSamplingState(OtelTraceState state) =>
        state.Randomness is not null ? "span has sampling randomness (rv), equalizing or proportional mode recommended"
        : state.Threshold is not null ? "span has a sampling threshold (th), equalizing or proportional mode recommended"
        : null;
}

/// <summary>Equalizing mode, and "never" for a 0% rate: one threshold for every span.</summary>
internal sealed class FixedThresholdSampler(SamplingThreshold threshold) : SpanSampler
{
    public override string? Randomness(ReadOnlySpan<byte> traceId, OtelTraceState state, out SpanRandomness randomness) =>
        ConsistentRandomness(traceId, state, out randomness);

    public override SamplingThreshold Decide(OtelTraceState state) => threshold;
}

/// <summary>Proportional mode: the arriving probability (from th) times the configured ratio.</summary>
internal sealed class ProportionalSampler(double ratio, int precision) : SpanSampler
{
    public override string? Randomness(ReadOnlySpan<byte> traceId, OtelTraceState state, out SpanRandomness randomness) =>
        ConsistentRandomness(traceId, state, out randomness);

    public override SamplingThreshold Decide(OtelTraceState state)
    {
        var incoming = state.Threshold?.Probability ?? 1.0;
        // Below 2^-56 the product cannot be expressed: such a span is simply not sampled.
        return SamplingThreshold.TryFromProbability(incoming * ratio, precision, out var threshold) ? threshold : SamplingThreshold.Never;
    }
}

/// <summary>
/// hash_seed mode: the legacy FNV-1a hash of the seed (4 bytes, little-endian) and the trace ID, 14 bits of which
/// decide; the hash is spread into an rv value so that later consistent samplers decide the same way.
/// </summary>
internal sealed class FnvHashSampler : SpanSampler
{
    private const int BucketBits = 14;
    private const uint Buckets = 1u << BucketBits;
    private readonly SamplingThreshold _threshold;
    private readonly uint _seed;

    private FnvHashSampler(SamplingThreshold threshold, uint seed)
    {
        _threshold = threshold;
        _seed = seed;
    }

    public static SpanSampler Create(float percentage, uint seed)
    {
        // float32 multiplication truncated toward zero, exactly as the Collector computes it.
        var scaled = (uint)(percentage * (Buckets / 100f));
        if (scaled == 0) return new FixedThresholdSampler(SamplingThreshold.Never);
        return new FnvHashSampler(new SamplingThreshold((ulong)(Buckets - scaled) << 42), seed);
    }

    public override string? Randomness(ReadOnlySpan<byte> traceId, OtelTraceState state, out SpanRandomness randomness)
    {
        randomness = new SpanRandomness(Spread(Hash(traceId, _seed)), RandomnessSource.TraceIdHash);
        var error = RefuseExistingSamplingState(state);
        if (error is null) state.SetRandomness(randomness.Value);
        return error;
    }

    public override SamplingThreshold Decide(OtelTraceState state) => _threshold;

    public static uint Hash(ReadOnlySpan<byte> data, uint seed)
    {
        var hash = 2166136261u;
        for (var i = 0; i < 4; i++) hash = (hash ^ (byte)(seed >> (8 * i))) * 16777619u;
        foreach (var b in data) hash = (hash ^ b) * 16777619u;
        return hash;
    }

    /// <summary>
    /// 56 bits whose top 14 are (buckets − 1 − hashed), so that R ≥ T ⇔ hashed &lt; scaled rate, the rest filled
    /// from the hash's 18 unused bits, as the Collector lays them out (so its rv and ours agree).
    /// </summary>
    private static ulong Spread(uint hash)
    {
        ulong hashed = hash & (Buckets - 1);
        var top = Buckets - 1 - hashed;
        ulong unused = hash >> (32 - BucketBits);
        var mixed = unused ^ (unused << 10);
        return (top << 42) | (mixed << 14) | hashed;
    }
}

/// <summary>
/// Kubetrace's <c>sampling_rate_per_million</c>: the Kubernetes components' TraceIDRatioBased rule decides; the
/// span gets the equivalent rv and th (see <see cref="TraceIdRatio.ConsistentRandomness"/>) so that the rate is
/// recorded and later consistent samplers agree.
/// </summary>
internal sealed class TraceIdRatioSampler(TraceIdRatio ratio, int precision) : SpanSampler
{
    private readonly SamplingThreshold _threshold = ratio.ConsistentThreshold.RoundedDown(precision);

    public override string? Randomness(ReadOnlySpan<byte> traceId, OtelTraceState state, out SpanRandomness randomness)
    {
        if (SamplingRandomness.IsEmptyTraceId(traceId))
        {
            randomness = SpanRandomness.Missing;
            return null;
        }
        randomness = new SpanRandomness(TraceIdRatio.ConsistentRandomness(traceId), RandomnessSource.TraceIdRatio);
        var error = RefuseExistingSamplingState(state);
        if (error is null) state.SetRandomness(randomness.Value);
        return error;
    }

    public override SamplingThreshold Decide(OtelTraceState state) => ratio.UpperBound == 0 ? SamplingThreshold.Never : _threshold;

    public override bool ShouldSample(SamplingThreshold threshold, SpanRandomness randomness, ReadOnlySpan<byte> traceId) =>
        threshold == _threshold && ratio.UpperBound != 0 ? ratio.Keeps(traceId) : threshold.ShouldSample(randomness.Value);
}
