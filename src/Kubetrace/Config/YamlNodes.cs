using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>Small questions asked of YAML nodes by the loader and the binder.</summary>
public static class YamlNodes
{
    /// <summary>True for <c>key:</c> with nothing after it, <c>~</c> and <c>null</c> (unquoted), which YAML reads as null.</summary>
    public static bool IsNull(YamlNode? node) =>
        node is null
        || node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    /// <summary>Describes what was written, for "expected X, got Y" messages.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => $"\"{scalar.Value}\"",
        _ => "an alias",
    };

    /// <summary>The text of a mapping key; null for the unusual complex keys YAML allows.</summary>
    public static string? KeyText(YamlNode key) => (key as YamlScalarNode)?.Value;

    /// <summary>The child of <paramref name="mapping"/> named <paramref name="key"/> together with its key node, if present.</summary>
    public static bool TryGetChild(YamlMappingNode mapping, string key, out YamlNode keyNode, out YamlNode value)
    {
        foreach (var (k, v) in mapping.Children)
        {
            if (KeyText(k) == key)
            {
                keyNode = k;
                value = v;
                return true;
            }
        }
        keyNode = value = null!;
        return false;
    }
}
