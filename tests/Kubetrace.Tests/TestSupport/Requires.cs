namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// The one way a test says it needs something from its surroundings (the shared folder, a tmpfs, a browser): on a
/// developer machine without it the test is skipped with the reason; under CI (<c>CI=true</c>), where it must
/// exist, the test fails, so that a broken CI setup cannot pass with fewer tests. Tests using it are
/// <c>[SkippableFact]</c>/<c>[SkippableTheory]</c>; a test never passes by returning early.
/// </summary>
internal static class Requires
{
    public static bool InCi { get; } = Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>Skips (or under CI fails) when <paramref name="missing"/> names what is missing.</summary>
    /// <param name="missing">Why the test cannot run here; null when it can.</param>
    /// <param name="ciHint">How CI provides it, for the failure under CI.</param>
    public static void Present(string? missing, string ciHint = "")
    {
        if (missing is null) return;
        if (InCi) Assert.Fail($"CI must provide what this test needs, but {missing}. {ciHint}".TrimEnd());
        Skip.If(true, missing);
    }

    /// <summary>
    /// The reason for a test attribute's <c>Skip</c> (a <c>[RequiresClickHouseFact]</c>, decided before the test runs):
    /// <paramref name="missing"/> on a developer machine, none under CI, where the test then runs and fails on what
    /// is missing. The one way an attribute skips.
    /// </summary>
    public static string? SkipReason(string? missing) => InCi ? null : missing;

    /// <summary>
    /// An opt-in test, one CI deliberately does not run (too slow for its budget, e.g. building the image): skipped,
    /// under CI too, unless <paramref name="variable"/> is set. Returns the variable's value.
    /// </summary>
    public static string OptIn(string variable, string how)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        Skip.If(string.IsNullOrEmpty(value), $"opt-in: set {variable} to run it ({how})");
        return value!;
    }

    /// <summary>A file of the shared folder (<c>conformance/otlp/trace.json</c>); skips (fails under CI) when absent.</summary>
    public static string SharedFile(string relativePath)
    {
        var path = RepoPaths.FindShared(relativePath);
        Present(path is null ? $"shared/{relativePath} was not found (neither ../shared beside the repository nor /work/shared)" : null,
            "CI lays the shared folder beside the clone.");
        return path!;
    }
}
