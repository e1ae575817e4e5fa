using System.Buffers.Binary;

namespace Kubetrace.Processors.Sampling;

/// <summary>
/// The OpenTelemetry Go SDK's <c>TraceIDRatioBased</c> rule, which Kubernetes components use for their
/// <c>samplingRatePerMillion</c> (component-base tracing/utils.go: <c>ParentBased(TraceIDRatioBased(rate/1e6))</c>):
/// keep a trace when the big-endian uint64 of trace-ID bytes 8..15, shifted right by one, is below
/// <c>uint64(fraction × 2^63)</c> (go.opentelemetry.io/otel/sdk/trace/sampling.go).
/// </summary>
/// <remarks>
/// The rule keeps the traces with the smallest values, so a lower rate keeps a subset of what a higher rate keeps:
/// a Collector or Kubetrace stage using the same rule keeps every trace a component kept at the same rate, and
/// exactly the traces that component would have kept at a lower one.
/// </remarks>
public readonly record struct TraceIdRatio
{
    private TraceIdRatio(double fraction, ulong upperBound)
    {
        Fraction = fraction;
        UpperBound = upperBound;
    }

    public double Fraction { get; }

    /// <summary>Exclusive bound on the 63-bit value; 2^63 means every trace.</summary>
    public ulong UpperBound { get; }

    public static TraceIdRatio FromRatePerMillion(int ratePerMillion) => FromFraction(ratePerMillion / 1_000_000.0);

    public static TraceIdRatio FromFraction(double fraction) => fraction switch
    {
        >= 1 => new TraceIdRatio(1, 1UL << 63),
        <= 0 => new TraceIdRatio(0, 0),
        // The SDK computes uint64(fraction * (1 << 63)) in float64: the same expression gives the same bound.
        _ => new TraceIdRatio(fraction, (ulong)(fraction * 9223372036854775808.0)),
    };

    /// <summary>The 63-bit value the SDK compares: big-endian bytes 8..15 without their lowest bit.</summary>
    public static ulong Value(ReadOnlySpan<byte> traceId) => BinaryPrimitives.ReadUInt64BigEndian(traceId[8..16]) >> 1;

    public bool Keeps(ReadOnlySpan<byte> traceId) => traceId.Length == 16 && Value(traceId) < UpperBound;

    /// <summary>
    /// An explicit randomness (<c>rv</c>) under which the OpenTelemetry rule R ≥ T decides like this one: the
    /// top 56 of the 63 bits, inverted (small values, which this rule keeps, become large ones).
    /// </summary>
    public static ulong ConsistentRandomness(ReadOnlySpan<byte> traceId) => SamplingRandomness.Mask - (Value(traceId) >> 7);

    /// <summary>
    /// The threshold that, with <see cref="ConsistentRandomness"/>, keeps every trace this rule keeps (and, at most,
    /// the 2^-56 sliver of the boundary bucket beside): what is written as <c>th</c> so that downstream
    /// consistent samplers and the analyses see the rate applied.
    /// </summary>
    public SamplingThreshold ConsistentThreshold => UpperBound == 0
        ? SamplingThreshold.Never
        : new SamplingThreshold(SamplingRandomness.Mask - ((UpperBound - 1) >> 7));
}
