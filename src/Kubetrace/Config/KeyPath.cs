namespace Kubetrace.Config;

/// <summary>Key paths as the Collector prints them: <c>exporters::otlp::retry_on_failure::initial_interval</c>.</summary>
public static class KeyPath
{
    public const string Separator = "::";

    public static string Join(string parent, string key) => parent.Length == 0 ? key : parent + Separator + key;

    /// <summary>Splits a component-relative key from <see cref="Components.ConfigProblem"/>; both <c>.</c> and <c>::</c> separate.</summary>
    public static string[] Split(string relativeKey) =>
        relativeKey.Length == 0
            ? []
            : relativeKey.Split([Separator, "."], StringSplitOptions.RemoveEmptyEntries);
}
