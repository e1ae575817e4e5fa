using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>
/// A <c>--set key::path=value</c> command-line override, as the Collector takes it: turned into a one-key YAML
/// mapping that is merged over the files. The value is read as YAML, so <c>[a, b]</c> is a list.
/// </summary>
public static class SetOverride
{
    /// <summary>The override as a mapping, or null after reporting why the expression is malformed.</summary>
    public static YamlMappingNode? Parse(string expression, ConfigDiagnostics diagnostics)
    {
        var source = $"--set {expression}";
        var equals = expression.IndexOf('=');
        var keys = equals > 0 ? expression[..equals].Split(KeyPath.Separator) : [];
        if (keys.Length == 0 || keys.Any(k => k.Trim().Length == 0))
        {
            diagnostics.Error(source, 0, 0, "", "expected key::path=value, e.g. --set processors::batch::timeout=2s");
            return null;
        }

        var value = ParseValue(expression[(equals + 1)..], source, diagnostics);
        if (value is null) return null;
        YamlNode node = value;
        for (var i = keys.Length - 1; i >= 0; i--) node = new YamlMappingNode(new YamlScalarNode(keys[i].Trim()), node);
        diagnostics.AddSource(node, source, withPositions: false);
        return (YamlMappingNode)node;
    }

    private static YamlNode? ParseValue(string text, string source, ConfigDiagnostics diagnostics)
    {
        if (text.Length == 0) return new YamlScalarNode("");
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            diagnostics.Error(source, 0, 0, "", $"the value is not valid YAML: \"{text}\"");
            return null;
        }
        return stream.Documents.Count == 0 ? new YamlScalarNode("") : stream.Documents[0].RootNode;
    }
}
