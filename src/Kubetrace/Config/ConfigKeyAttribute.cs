namespace Kubetrace.Config;

/// <summary>
/// Overrides the YAML key of a config property (the default is the snake_case of the property name) and may add
/// aliases, e.g. <c>[ConfigKey("log_level", "logLevel")]</c> for a Collector key that was renamed over time.
/// The primary key is the one shown in error messages and "did you mean" suggestions. On an enum field it names
/// the value as written in YAML.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public sealed class ConfigKeyAttribute : Attribute
{
    public ConfigKeyAttribute(string primary, params string[] aliases)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(primary);
        Primary = primary;
        Aliases = aliases ?? [];
    }

    /// <summary>The key written in documentation and suggested in errors.</summary>
    public string Primary { get; }

    /// <summary>Other accepted spellings of the same key.</summary>
    public IReadOnlyList<string> Aliases { get; }
}
