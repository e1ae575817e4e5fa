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

    /// <summary><c>metadata.&lt;key&gt;</c>: a client metadata value (receiver include_metadata); <c>auth.*</c> never matches.</summary>
    public string FromContext { get; set; } = "";

    public string Action { get; set; } = "";

    /// <summary>For convert: int, double or string.</summary>
    public string ConvertedType { get; set; } = "";

    private static readonly string[] Actions = ["insert", "update", "upsert", "delete", "hash", "extract", "convert"];

    /// <summary>The Collector's checks (attraction.NewAttrProc), in its words, for the <paramref name="index"/>-th action.</summary>
    public static IEnumerable<ConfigProblem> Validate(List<ActionConfig> actions, string listKey)
    {
        for (var i = 0; i < actions.Count; i++)
        {
            var a = actions[i];
            var at = $"{listKey}::{i}";
            var action = a.Action.ToLowerInvariant();
            if (a.Key.Length == 0 && a.Pattern.Length == 0)
            {
                yield return new($"{at}::key", $"error creating AttrProc due to missing required field \"key\" at the {i}-th actions");
                continue;
            }
            if (!Actions.Contains(action))
            {
                yield return new($"{at}::action", $"error creating AttrProc due to unsupported action \"{a.Action}\" at the {i}-th actions");
                continue;
            }
            var sources = (a.Value is not null ? 1 : 0) + (a.FromAttribute.Length > 0 ? 1 : 0) + (a.FromContext.Length > 0 ? 1 : 0);
            switch (action)
            {
                case "insert" or "update" or "upsert" when sources != 1:
                    yield return new(at, $"error creating AttrProc. Either field \"value\", \"from_attribute\" or \"from_context\" setting must be specified for {i}-th action");
                    break;
                case "extract" when a.Pattern.Length == 0:
                    yield return new($"{at}::pattern", $"error creating AttrProc. Action \"{action}\" requires field \"pattern\" to be set at the {i}-th actions");
                    break;
                case "convert" when a.ConvertedType is not ("int" or "double" or "string"):
                    yield return new($"{at}::converted_type",
                        $"error creating AttrProc due to invalid value \"{a.ConvertedType}\" in field \"converted_type\" for action \"{action}\" at the {i}-th action");
                    break;
            }
            if (a.Pattern.Length > 0)
            {
                var error = CollectorRegex.Problem(a.Pattern);
                if (error is null && action == "extract" && CollectorRegex.Compile(a.Pattern).GetGroupNames().All(n => int.TryParse(n, out _)))
                    error = $"error creating AttrProc. Field \"pattern\" contains no named matcher groups at the {i}-th actions";
                if (error is not null) yield return new($"{at}::pattern", error);
            }
        }
    }
}
