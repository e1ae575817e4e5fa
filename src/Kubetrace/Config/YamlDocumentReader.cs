using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>Parses YAML text into the representation model (which keeps line and column of every node).</summary>
public static partial class YamlDocumentReader
{
    /// <summary>The root mapping, or null after reporting why there is none (syntax error, empty file, not a mapping).</summary>
    public static YamlMappingNode? Read(string text, ConfigDiagnostics diagnostics)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            diagnostics.Error((int)e.Start.Line, (int)e.Start.Column, "", $"invalid YAML: {Describe(e)}");
            return null;
        }
        if (stream.Documents.Count == 0 || YamlNodes.IsNull(stream.Documents[0].RootNode))
        {
            diagnostics.Error(null, "", "the configuration is empty");
            return null;
        }
        if (stream.Documents.Count > 1)
            diagnostics.Error(stream.Documents[1].RootNode, "", "expected a single YAML document; remove the \"---\" separator");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var node = stream.Documents[0].RootNode;
            diagnostics.Error(node, "", $"expected a mapping with receivers, exporters and service at the top level, got {YamlNodes.Describe(node)}");
            return null;
        }
        return root;
    }

    /// <summary>YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (...): "; the diagnostic already has the position.</summary>
    private static string Describe(YamlException e)
    {
        var message = PositionPrefix().Replace(e.Message, "");
        if (e.InnerException is { } inner && !string.IsNullOrEmpty(inner.Message)) message += ": " + PositionPrefix().Replace(inner.Message, "");
        return message.TrimEnd('.');
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();
}
