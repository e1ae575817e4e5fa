using Kubetrace.Cli.Query;

namespace Kubetrace.Tests.Cli;

/// <summary>The durations, times and sizes the query commands print.</summary>
public sealed class HumanTextTests
{
    [Theory]
    [InlineData(0, "0ns")]
    [InlineData(850_000, "850µs")]
    [InlineData(4_200_000, "4.2ms")]
    [InlineData(120_000_000, "120ms")]
    [InlineData(1_530_000_000, "1.53s")]
    [InlineData(125_000_000_000, "2m05s")]
    [InlineData(7_380_000_000_000, "2h03m")]
    [InlineData(-5, "0ns")]
    public void Durations_keep_three_significant_digits_at_most(long nanos, string expected) =>
        Assert.Equal(expected, HumanText.Duration(nanos));

    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(10L * 1024 * 1024 * 1024, "10 GiB")]
    public void Sizes_are_binary_units(long bytes, string expected) => Assert.Equal(expected, HumanText.Bytes(bytes));

    [Fact]
    public void Times_are_utc_to_the_millisecond_or_the_second()
    {
        var nanos = new DateTimeOffset(2026, 1, 2, 10, 0, 5, 123, TimeSpan.FromHours(2)).ToUnixTimeMilliseconds() * 1_000_000;

        Assert.Equal("2026-01-02 08:00:05.123", HumanText.Time(nanos));
        Assert.Equal("2026-01-02 08:00:05", HumanText.Time(nanos, milliseconds: false));
    }
}
