using Kubetrace.Api;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// How much older than the clock the tests' data is made: nothing, unless the environment variable
/// <c>KUBETRACE_TEST_DATA_AGE</c> (a duration such as <c>2h</c>) says so. Data dated when the test process starts
/// (<see cref="Spans.BaseTime"/>) or when a fixture starts grows older while the suite runs, but the servers' default
/// windows (the last hour) move on with the clock; a class run with <c>KUBETRACE_TEST_DATA_AGE=2h</c> meets its data
/// as it would after a two-hour suite, so a query that leans on a default window fails at once instead of on the one
/// slow CI run (docs/testing.md).
/// </summary>
internal static class TestDataAge
{
    public const string Variable = "KUBETRACE_TEST_DATA_AGE";

    /// <summary>The extra age: zero when the variable is unset or empty.</summary>
    public static readonly TimeSpan Extra = Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>The clock less <see cref="Extra"/>: the time from which a fixture dates the data it makes.</summary>
    public static DateTimeOffset Now => DateTimeOffset.UtcNow - Extra;

    /// <summary>A <c>since</c> (whole seconds, rounded up) that reaches from now back to <paramref name="earliest"/>, for a
    /// query whose only range is a look-back from the server's clock (the analyze command's <c>--since</c>).</summary>
    public static string Since(DateTimeOffset earliest) =>
        ((long)Math.Ceiling((DateTimeOffset.UtcNow - earliest).TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) + "s";

    private static TimeSpan Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return TimeSpan.Zero;
        if (GoText.TryParseDuration(text, out var age, out var error) && age >= TimeSpan.Zero) return age;
        throw new InvalidOperationException($"{Variable}=\"{text}\": {(error.Length > 0 ? error : "must not be negative")} (use e.g. 2h or 90m)");
    }
}
