using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// A YAML document read as a YAML reader types it, as JSON: mappings are objects, sequences arrays; a quoted scalar is
/// a string; a plain scalar is null, a boolean or a number when it reads as one — by the YAML 1.2 core schema and
/// also by YAML 1.1's (<c>yes</c>, <c>off</c>, <c>1_000</c>, <c>12:30</c>, dates), as PyYAML and go-yaml v2 read them —
/// else a string. So a string written unquoted that any of those readers would take for something else shows up.
/// </summary>
public static partial class YamlReadBack
{
    public static JsonNode? AsJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(Assert.Single(stream.Documents).RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c =>
            KeyValuePair.Create(Assert.IsType<YamlScalarNode>(c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidDataException($"unexpected YAML node {node.NodeType}"),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(text);
        if (text is "" or "~" || text.Equals("null", StringComparison.OrdinalIgnoreCase)) return null;
        if (YamlTrue().IsMatch(text)) return JsonValue.Create(true);
        if (YamlFalse().IsMatch(text)) return JsonValue.Create(false);
        if (JsonNumber().IsMatch(text)) return JsonNode.Parse(text);
        if (OtherNumber().IsMatch(text)) throw new InvalidDataException($"\"{text}\" is written plain: a YAML reader takes it for a number");
        if (Timestamp().IsMatch(text)) throw new InvalidDataException($"\"{text}\" is written plain: a YAML 1.1 reader takes it for a date");
        return JsonValue.Create(text);
    }

    [GeneratedRegex("^(true|yes|y|on)$", RegexOptions.IgnoreCase)]
    private static partial Regex YamlTrue();

    [GeneratedRegex("^(false|no|n|off)$", RegexOptions.IgnoreCase)]
    private static partial Regex YamlFalse();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ]|$)")]
    private static partial Regex Timestamp();

    /// <summary>Numbers a YAML reader knows that JSON does not write: <c>+1</c>, <c>.5</c>, <c>0x1F</c>, <c>0o17</c>, <c>.inf</c>, <c>1_000</c>, <c>1:30</c>.</summary>
    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$")]
    private static partial Regex OtherNumber();
}
