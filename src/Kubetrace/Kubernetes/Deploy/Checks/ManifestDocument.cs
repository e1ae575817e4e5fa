using YamlDotNet.RepresentationModel;

namespace Kubetrace.Kubernetes.Deploy.Checks;

/// <summary>One object of a manifest file: where it is, what it says it is, and its model once read.</summary>
public sealed record ManifestDocument(YamlMappingNode Node, string ApiVersion, string Kind, string Name, string? Namespace, object? Model)
{
    public string Label => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";

    /// <summary>The node at a <c>::</c>-separated path, or the deepest one written on the way (for the line of a problem).</summary>
    public YamlNode Locate(string path)
    {
        YamlNode node = Node;
        foreach (var segment in path.Split("::", StringSplitOptions.RemoveEmptyEntries))
        {
            YamlNode? next = node switch
            {
                YamlMappingNode mapping when mapping.Children.TryGetValue(new YamlScalarNode(segment), out var child) => child,
                YamlSequenceNode sequence when int.TryParse(segment, out var i) && i >= 0 && i < sequence.Children.Count => sequence.Children[i],
                _ => null,
            };
            if (next is null) break;
            node = next;
        }
        return node;
    }
}
