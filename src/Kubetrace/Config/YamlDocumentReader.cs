using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>Parses YAML text into the representation model (which keeps line and column of every node).</summary>
public static partial class YamlDocumentReader
{
    /// <summary>The root mapping, or null after reporting why there is none (syntax error, empty file, not a mapping).</summary>
    public static YamlMappingNode? Read(string text, string source, ConfigDiagnostics diagnostics)
    {
        var documents = ReadDocuments(text, source, diagnostics);
        if (documents is null) return null;
        if (documents.Count == 0 || YamlNodes.IsNull(documents[0]))
        {
            diagnostics.Error(source, 0, 0, "", "the configuration is empty");
            return null;
        }
        if (documents.Count > 1)
            diagnostics.Error(documents[1], "", "expected a single YAML document; remove the \"---\" separator");
        if (documents[0] is not YamlMappingNode root)
        {
            var node = documents[0];
            diagnostics.Error(node, "", $"expected a mapping with receivers, exporters and service at the top level, got {YamlNodes.Describe(node)}");
            return null;
        }
        return root;
    }

    /// <summary>
    /// The root node of every document in the text (Kubernetes files may hold several, separated by <c>---</c>), or
    /// null after reporting a syntax error.
    /// </summary>
    public static IReadOnlyList<YamlNode>? ReadDocuments(string text, string source, ConfigDiagnostics diagnostics)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            diagnostics.Error(source, (int)e.Start.Line, (int)e.Start.Column, "", $"invalid YAML: {Describe(e)}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet fails this way on some truncated input (an unclosed flow list at the end of the file).
            var at = scanner.CurrentPosition;
            diagnostics.Error(source, (int)at.Line, (int)at.Column, "", "invalid YAML: unexpected end of the input (is a \"[\", \"{\" or quote left open?)");
            return null;
        }
        foreach (var document in stream.Documents) diagnostics.AddSource(document.RootNode, source);
        return stream.Documents.Select(d => d.RootNode).ToList();
    }

    /// <summary>YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (...): "; the diagnostic already has the position.</summary>
    internal static string Describe(YamlException e)
    {
        var message = PositionPrefix().Replace(e.Message, "").TrimEnd('.');
        if (message.StartsWith("Duplicate key ", StringComparison.Ordinal)) return $"duplicate key \"{message["Duplicate key ".Length..]}\"";
        if (message.Contains("did not find expected key", StringComparison.Ordinal)) message += " (check the indentation)";
        message = char.ToLowerInvariant(message[0]) + message[1..];
        if (e.InnerException is { } inner && !string.IsNullOrEmpty(inner.Message)) message += ": " + PositionPrefix().Replace(inner.Message, "");
        return message.TrimEnd('.');
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();
}
