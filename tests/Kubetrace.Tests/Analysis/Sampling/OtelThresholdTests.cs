using Kubetrace.Analysis.Sampling;
using Kubetrace.Processors.Sampling;

namespace Kubetrace.Tests.Analysis.Sampling;

/// <summary>
/// The OpenTelemetry consistent-probability threshold (<c>ot=th</c>) as the specification writes it, read by the
/// analyses as the sampling processors read it.
/// </summary>
public sealed class OtelThresholdTests
{
    [Theory]
    [InlineData("ot=th:0", 1.0)]
    [InlineData("ot=th:8", 2.0)]
    [InlineData("ot=th:c", 4.0)]
    [InlineData("ot=th:c;rv:abcdef12345678", 4.0)]
    [InlineData("vendor=x,ot=rv:12345678abcdef;th:fd70a4", 100.0)]
    [InlineData("ot=th:ffffffffffffff", 72057594037927936.0)]
    public void A_threshold_gives_the_adjusted_count(string traceState, double adjustedCount) =>
        Assert.Equal(adjustedCount, OtelThreshold.AdjustedCount(OtelThreshold.Parse(traceState)), adjustedCount * 1e-4);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("vendor=th:8")]
    [InlineData("ot=th:")]
    [InlineData("ot=th:xyz")]
    [InlineData("ot=th:123456789012345")]
    public void Without_a_valid_threshold_there_is_none(string? traceState) => Assert.Equal(-1, OtelThreshold.Parse(traceState));

    [Theory]
    [InlineData("ot=th:c;rv:abc")]              // rv shorter than 14 digits
    [InlineData("ot=th:c;rv:ABCDEF12345678")]   // rv in upper case
    [InlineData("ot=th:c;rv:abcdef123456789")]  // rv longer than 14 digits
    public void A_malformed_rv_leaves_no_threshold_for_the_analyses_as_the_processors_refuse_it(string traceState)
    {
        // tracestate-handling.md: rv MUST be exactly 14 lower-case hex digits. Without a valid rv the sampler's
        // randomness is unknown, rv >= th cannot be checked, and an unverifiable threshold is erased
        // (tracestate-probability-sampling.md, "General requirements"): the span's weight is not 4.
        Assert.Equal(-1, OtelThreshold.Parse(traceState));
        Assert.False(OtelTraceState.TryParse(traceState, out _, out var error));
        Assert.Contains("invalid rv", error);
    }
}
