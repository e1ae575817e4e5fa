using System.Reflection;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Kubernetes.Deploy.Checks;

/// <summary>
/// Reads one manifest document into the official Kubernetes object model (the KubernetesClient package's types),
/// strictly: an unknown field is an error (KubernetesClient's strict deserializer), and so is any value the model
/// does not keep as written (the object is serialized again and compared with the document), which catches what
/// a lenient reader would quietly coerce or drop.
/// </summary>
public static class ManifestModels
{
    private static readonly Dictionary<string, Type> Types = typeof(V1Pod).Assembly.GetTypes()
        .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
        .Where(e => e.Entity is { Kind.Length: > 0 } && !e.Type.Name.EndsWith("List", StringComparison.Ordinal))
        .GroupBy(e => Key(ApiVersionOf(e.Entity!), e.Entity!.Kind))
        .ToDictionary(g => g.Key, g => g.First().Type);

    public static bool IsKnown(string apiVersion, string kind) => Types.ContainsKey(Key(apiVersion, kind));

    /// <summary>The object, or the problems (relative line, column, key path, message) that prevent a faithful read.</summary>
    public static (object? Model, List<(Mark At, string Path, string Message)> Problems) Read(string documentText, YamlNode document, string apiVersion, string kind)
    {
        var problems = new List<(Mark, string, string)>();
        if (!Types.TryGetValue(Key(apiVersion, kind), out var type))
        {
            problems.Add((document.Start, "kind", $"{apiVersion} {kind} is not a Kubernetes kind (KubernetesClient has no model for it)"));
            return (null, problems);
        }
        object model;
        try
        {
            model = KubernetesYaml.LoadAllFromString(documentText, new Dictionary<string, Type> { [Key(apiVersion, kind)] = type }, strict: true).Single();
        }
        catch (YamlException e)
        {
            problems.Add((e.Start, "", $"does not read as {type.Name}: {Config.YamlDocumentReader.Describe(e)}"));
            return (null, problems);
        }
        var written = KubernetesYaml.Serialize(model);
        var stream = new YamlStream();
        stream.Load(new StringReader(written));
        Compare(document, stream.Documents[0].RootNode, "", problems);
        return (model, problems);
    }

    /// <summary>Every value of the document must be in the model's own serialization, equal as text.</summary>
    private static void Compare(YamlNode original, YamlNode roundTripped, string path, List<(Mark, string, string)> problems)
    {
        switch (original)
        {
            case YamlMappingNode mapping:
                var other = roundTripped as YamlMappingNode;
                foreach (var (keyNode, value) in mapping.Children)
                {
                    var key = ((YamlScalarNode)keyNode).Value ?? "";
                    var childPath = path.Length == 0 ? key : $"{path}::{key}";
                    if (other is not null && other.Children.TryGetValue(new YamlScalarNode(key), out var kept)) Compare(value, kept, childPath, problems);
                    else if (!IsEmpty(value)) problems.Add((keyNode.Start, childPath, $"\"{key}\" is not kept by the model (the field does not exist here or its value was dropped)"));
                }
                break;
            case YamlSequenceNode sequence:
                var items = (roundTripped as YamlSequenceNode)?.Children ?? [];
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    if (i < items.Count) Compare(sequence.Children[i], items[i], $"{path}::{i}", problems);
                    else problems.Add((sequence.Children[i].Start, $"{path}::{i}", "this item is not kept by the model"));
                }
                break;
            case YamlScalarNode scalar when roundTripped is YamlScalarNode kept && !SameScalar(scalar.Value, kept.Value):
                problems.Add((scalar.Start, path, $"\"{Short(scalar.Value)}\" is read by the model as \"{Short(kept.Value)}\""));
                break;
            case YamlScalarNode scalar when roundTripped is not YamlScalarNode:
                problems.Add((scalar.Start, path, $"\"{Short(scalar.Value)}\" is not a value the model keeps here"));
                break;
        }
    }

    private static bool IsEmpty(YamlNode node) =>
        node is YamlMappingNode { Children.Count: 0 } or YamlSequenceNode { Children.Count: 0 } || Config.YamlNodes.IsNull(node);

    /// <summary>Equal as text; block scalars' final newline is not kept by the serializer, so it is not compared.</summary>
    private static bool SameScalar(string? a, string? b) =>
        a?.TrimEnd('\n') == b?.TrimEnd('\n') || (bool.TryParse(a, out var x) && bool.TryParse(b, out var y) && x == y);

    private static string Short(string? text) => text is null ? "null" : text.Length <= 60 ? text : text[..57] + "...";

    private static string ApiVersionOf(KubernetesEntityAttribute entity) =>
        string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}";

    private static string Key(string apiVersion, string kind) => $"{apiVersion}/{kind}";
}
