using Kubetrace.Storage;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// The range a query over data made at <see cref="Made"/> names (docs/testing.md rule 7): the hour before it, what a
/// server's default window (the last hour) held when the data was made. The default moves on with the clock and leaves
/// data made once for many tests (<see cref="Spans.BaseTime"/>, a class fixture's) behind late in a long suite run;
/// this range does not. <see cref="Made"/> is <see cref="TestDataAge.Now"/> when the data was made, so a class run with
/// <c>KUBETRACE_TEST_DATA_AGE=2h</c> shows at once a query that leans on a default.
/// </summary>
public readonly record struct DataWindow(DateTimeOffset Made)
{
    /// <summary>The hour before <see cref="Made"/>.</summary>
    public TimeRange Range => TimeRange.Last(TimeSpan.FromHours(1), Made);

    /// <summary><see cref="Range"/> as the native search's, the analyses' and the UI pages' <c>start</c> and <c>end</c> (Unix nanoseconds).</summary>
    public string Query => $"start={Range.StartUnixNano}&end={Range.EndUnixNano}";

    /// <summary><see cref="Range"/> as the Jaeger search's <c>start</c> and <c>end</c> (Unix microseconds).</summary>
    public string JaegerQuery => $"start={Range.StartUnixNano / 1000}&end={Range.EndUnixNano / 1000}";

    /// <summary>A <c>since</c> from <see cref="Range"/>'s start until now, where the only range is a look-back from the
    /// server's clock (the analyze command's <c>--since</c>, the service graph page).</summary>
    public string Since => TestDataAge.Since(Made.AddHours(-1));
}
