using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Tests.Analysis.Sampling;

/// <summary>The OpenTelemetry consistent-probability threshold (<c>ot=th</c>) as the specification writes it.</summary>
public sealed class OtelThresholdTests
{
    [Theory]
    [InlineData("ot=th:0", 1.0)]
    [InlineData("ot=th:8", 2.0)]
    [InlineData("ot=th:c", 4.0)]
    [InlineData("ot=th:c;rv:abcdef12345678", 4.0)]
    [InlineData("vendor=x,ot=rv:123;th:fd70a4", 100.0)]
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
}
