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

/// <summary>The one duration grammar of flags, API parameters and UI fields: Go's units plus days and weeks.</summary>
public class DurationWithDaysTests
{
    [Theory]
    [InlineData("7d", 7 * TimeSpan.TicksPerDay)]
    [InlineData("2w", 14 * TimeSpan.TicksPerDay)]
    [InlineData("1d12h", 36 * TimeSpan.TicksPerHour)]
    [InlineData("1.5d", 36 * TimeSpan.TicksPerHour)]
    [InlineData("90m", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("300ms", 300 * TimeSpan.TicksPerMillisecond)]
    public void Flags_and_parameters_take_days_and_weeks_beside_Go_units(string text, long ticks)
    {
        Assert.True(GoDuration.TryParseWithDays(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData("7 days")]
    [InlineData("1y")]
    [InlineData("d")]
    [InlineData("5")]
    public void Still_refuses_what_is_not_a_duration(string text) => Assert.False(GoDuration.TryParseWithDays(text, out _));

    [Theory]
    [InlineData("0s", 0L)]
    [InlineData("3d", 3 * TimeSpan.TicksPerDay)]
    [InlineData("36h", 36 * TimeSpan.TicksPerHour)]
    [InlineData("1h30m", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("300ms", 300 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1s500ms", 1500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("-2m", -2 * TimeSpan.TicksPerMinute)]
    [InlineData("1µs100ns", 11L)]
    public void Formats_in_the_same_grammar_and_reads_back(string text, long ticks)
    {
        Assert.Equal(text, GoDuration.Format(TimeSpan.FromTicks(ticks)));
        Assert.True(GoDuration.TryParseWithDays(text, out var back));
        Assert.Equal(TimeSpan.FromTicks(ticks), back);
    }
}
