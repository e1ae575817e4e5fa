namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The OpenTelemetry Go SDK's TraceIDRatioBased decision, bit for bit: sample when the trace ID's last 8 bytes
/// (big-endian) shifted right by one are below <c>ratio × 2^63</c>. Every component configured with the same ratio
/// therefore takes the same decision for the same trace, which is what makes ratio sampling consistent.
/// </summary>
internal readonly struct TraceIdRatioSampler
{
    private readonly ulong _upperBound;
    private readonly bool _always;

    public TraceIdRatioSampler(int ratePerMillion)
    {
        var fraction = ratePerMillion / 1_000_000.0;
        _always = fraction >= 1;
        _upperBound = fraction <= 0 ? 0 : (ulong)(fraction * (1UL << 63));
    }

    /// <summary>The decision for a trace whose ID's low 8 bytes, read big-endian, are <paramref name="traceIdLow"/>.</summary>
    public bool ShouldSample(ulong traceIdLow) => _always || traceIdLow >> 1 < _upperBound;
}
