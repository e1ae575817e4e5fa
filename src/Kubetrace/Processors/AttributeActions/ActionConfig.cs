using Kubetrace.Components;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Processors.AttributeActions;

/// <summary>
/// One entry of <c>actions</c> (attributes processor) or <c>attributes</c> (resource processor), with the
/// Collector's keys (internal/coreinternal/attraction): key, value, pattern, from_attribute, from_context, action,
/// converted_type.
/// </summary>
public sealed class ActionConfig
{
    public string Key { get; set; } = "";

    /// <summary>Typed as YAML types it: <c>123</c> an int, <c>1.5</c> a double, <c>true</c> a bool, anything else a string.</summary>
    public YamlNode? Value { get; set; }

    /// <summary>A regex: for delete/hash, the keys it matches; for extract, named groups become attributes.</summary>
    public string Pattern { get; set; } = "";

    public string FromAttribute { get; set; } = "";

    /// <summary><c>metadata.&lt;key&gt;</c> (or just <c>&lt;key&gt;</c>): a client metadata value (receiver include_metadata); <c>auth.*</c> and <c>client.address</c> never match.</summary>
    public string FromContext { get; set; } = "";

    public string Action { get; set; } = "";

    /// <summary>For convert: int, double or string.</summary>
    public string ConvertedType { get; set; } = "";

    /// <summary>
    /// The Collector's checks (attraction.NewAttrProc), in its order and words, for each action: which fields an
    /// action needs, and which it refuses (a field it would silently ignore is a mistake in the config).
    /// </summary>
    public static IEnumerable<ConfigProblem> Validate(List<ActionConfig> actions, string listKey)
    {
        for (var i = 0; i < actions.Count; i++)
            if (Problem(actions[i], i) is { } problem) yield return problem with { Key = problem.Key.Length == 0 ? $"{listKey}::{i}" : $"{listKey}::{i}::{problem.Key}" };
    }

    /// <summary>The first problem of the <paramref name="i"/>-th action (its key relative to the action), or null.</summary>
    private static ConfigProblem? Problem(ActionConfig a, int i)
    {
        var action = a.Action.ToLowerInvariant();
        var byKeyOrPattern = action is "delete" or "hash";
        if (byKeyOrPattern && a.Key.Length == 0 && a.Pattern.Length == 0)
            return new("key", $"error creating AttrProc due to missing required field (at least one of \"key\" and \"pattern\" have to be used) at the {i}-th actions");
        if (!byKeyOrPattern && a.Key.Length == 0)
            return new("key", $"error creating AttrProc due to missing required field \"key\" at the {i}-th actions");
        var sources = (a.Value is not null ? 1 : 0) + (a.FromAttribute.Length > 0 ? 1 : 0) + (a.FromContext.Length > 0 ? 1 : 0);
        ConfigProblem? NoConvertedType() => a.ConvertedType.Length > 0
            ? new("converted_type", $"error creating AttrProc. Action \"{action}\" does not use the \"converted_type\" field. This must not be specified for {i}-th action")
            : null;
        ConfigProblem? InvalidPattern() => a.Pattern.Length > 0 && CollectorRegex.Problem(a.Pattern) is not null
            ? new("pattern", $"error creating AttrProc. Field \"pattern\" has invalid pattern: \"{a.Pattern}\" to be set at the {i}-th actions")
            : null;
        switch (action)
        {
            case "insert" or "update" or "upsert":
                if (sources == 0)
                    return new("", $"error creating AttrProc. Either field \"value\", \"from_attribute\" or \"from_context\" setting must be specified for {i}-th action");
                if (sources > 1) return new("", $"error creating AttrProc due to multiple value sources being set at the {i}-th actions");
                if (a.Pattern.Length > 0)
                    return new("pattern", $"error creating AttrProc. Action \"{action}\" does not use the \"pattern\" field. This must not be specified for {i}-th action");
                return NoConvertedType();
            case "hash" or "delete":
                if (a.Value is not null || a.FromAttribute.Length > 0)
                    return new("", $"error creating AttrProc. Action \"{action}\" does not use \"value\" or \"from_attribute\" field. These must not be specified for {i}-th action");
                return InvalidPattern() ?? NoConvertedType();
            case "extract":
                if (sources > 0)
                    return new("", $"error creating AttrProc. Action \"{action}\" does not use a value source field. These must not be specified for {i}-th action");
                if (a.Pattern.Length == 0)
                    return new("pattern", $"error creating AttrProc due to missing required field \"pattern\" for action \"{action}\" at the {i}-th action");
                if (NoConvertedType() is { } convertedType) return convertedType;
                if (InvalidPattern() is { } invalid) return invalid;
                // Group 0 is the whole match. The Collector also refuses unnamed groups, but only when it creates the
                // processor, and its own testdata (attributes/regex_insert) has one: Kubetrace loads it and ignores them.
                if (CollectorRegex.Compile(a.Pattern).GetGroupNames().All(n => int.TryParse(n, out _)))
                    return new("pattern", $"error creating AttrProc. Field \"pattern\" contains no named matcher groups at the {i}-th actions");
                return null;
            case "convert":
                if (sources > 0 || a.Pattern.Length > 0)
                    return new("", $"error creating AttrProc. Action \"{action}\" does not use value sources or \"pattern\" field. These must not be specified for {i}-th action");
                if (a.ConvertedType.Length == 0)
                    return new("converted_type", $"error creating AttrProc due to missing required field \"converted_type\" for action \"{action}\" at the {i}-th action");
                if (a.ConvertedType is not ("int" or "double" or "string"))
                    return new("converted_type",
                        $"error creating AttrProc due to invalid value \"{a.ConvertedType}\" in field \"converted_type\" for action \"{action}\" at the {i}-th action");
                return null;
            default:
                return new("action", $"error creating AttrProc due to unsupported action \"{action}\" at the {i}-th actions");
        }
    }
}
