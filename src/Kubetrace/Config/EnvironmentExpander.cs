using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>
/// Expands environment references in YAML values as the Collector does: <c>${env:NAME}</c>, <c>${NAME}</c> (env
/// is the default scheme) and <c>${env:NAME:-default}</c>; <c>$$</c> is an escaped <c>$</c>, so <c>$${env:X}</c>
/// stays literal. An unset variable expands to an empty value with a warning, as in the Collector.
/// </summary>
/// <remarks>
/// Values are converted by the target property's type (see <see cref="ScalarConverter"/>), so a whole-value
/// reference such as <c>port: ${env:PORT}</c> binds as a number just like the literal would, and an embedded one
/// (<c>http://${env:HOST}:4318</c>) is simply part of a string. Keys are not expanded.
/// </remarks>
public sealed partial class EnvironmentExpander(ConfigDiagnostics diagnostics, Func<string, string?> lookup)
{
    public static EnvironmentExpander FromProcess(ConfigDiagnostics diagnostics) => new(diagnostics, Environment.GetEnvironmentVariable);

    /// <summary>Expands every scalar value below <paramref name="node"/> in place.</summary>
    public void ExpandAll(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalarNode scalar when scalar.Value is { } text && text.Contains('$'):
                scalar.Value = Expand(text, scalar, path);
                break;
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children) ExpandAll(value, KeyPath.Join(path, YamlNodes.KeyText(key) ?? ""));
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++) ExpandAll(sequence.Children[i], KeyPath.Join(path, i.ToString()));
                break;
        }
    }

    public string Expand(string text, YamlNode at, string path)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '$' || i + 1 == text.Length)
            {
                result.Append(text[i++]);
                continue;
            }
            if (text[i + 1] == '$')
            {
                result.Append('$'); // "$$" is the escape for a literal "$".
                i += 2;
                continue;
            }
            var close = text[i + 1] == '{' ? text.IndexOf('}', i + 2) : -1;
            if (close < 0)
            {
                result.Append(text[i++]); // A lone "$" or an unclosed "${" is literal text.
                continue;
            }
            result.Append(Resolve(text[(i + 2)..close], at, path));
            i = close + 1;
        }
        return result.ToString();
    }

    private string Resolve(string reference, YamlNode at, string path)
    {
        var name = reference;
        string? fallback = null;
        var scheme = SchemePrefix().Match(reference);
        if (scheme.Success)
        {
            if (scheme.Groups[1].Value != "env")
            {
                diagnostics.Error(at, path, $"unsupported reference \"${{{reference}}}\": Kubetrace expands only environment variables (${{env:NAME}} or ${{NAME}})");
                return "";
            }
            name = reference[scheme.Length..];
        }
        var defaultSeparator = name.IndexOf(":-", StringComparison.Ordinal);
        if (defaultSeparator >= 0)
        {
            fallback = name[(defaultSeparator + 2)..];
            name = name[..defaultSeparator];
        }
        if (!VariableName().IsMatch(name))
        {
            diagnostics.Error(at, path, $"invalid environment variable name \"{name}\" in \"${{{reference}}}\"");
            return "";
        }
        var value = lookup(name);
        if (value is not null) return value;
        if (fallback is not null) return fallback;
        diagnostics.Warning(at, path, $"environment variable \"{name}\" is not set; using an empty value");
        return "";
    }

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]+):(?!-)")]
    private static partial Regex SchemePrefix();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
