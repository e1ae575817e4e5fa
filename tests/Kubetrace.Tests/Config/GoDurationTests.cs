using Kubetrace.Config;

namespace Kubetrace.Tests.Config;

public class GoDurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("200ms", 200 * TimeSpan.TicksPerMillisecond)]
    [InlineData("5s", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("1m30s", 90 * TimeSpan.TicksPerSecond)]
    [InlineData("1.5h", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("2h45m", 165 * TimeSpan.TicksPerMinute)]
    [InlineData("300us", 3000L)]
    [InlineData("300µs", 3000L)]
    [InlineData("1500ns", 15L)]
    [InlineData("-2s", -2 * TimeSpan.TicksPerSecond)]
    [InlineData(".5s", 5 * TimeSpan.TicksPerSecond / 10)]
    public void Parses_Go_durations(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 seconds")]
    [InlineData("5sec")]
    [InlineData("s")]
    [InlineData("1d")]
    [InlineData("1..5s")]
    [InlineData("-")]
    [InlineData("99999999999999h")]
    public void Rejects_what_Go_rejects(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }
}
