using System.Globalization;

namespace Kubetrace.Analysis.Compare;

/// <summary>
/// Names every span of a trace by its path from the root: <c>service:name</c> of each ancestor and itself,
/// with a sibling index when a parent has several children of the same service and name (in start order), e.g.
/// <c>apiserver:KubernetesAPI/apiserver:Create/apiserver:Call mutating webhook[1]</c>. Two runs of one
/// operation give their corresponding spans the same path.
/// </summary>
public static class SpanPaths
{
    public static Dictionary<string, SpanTree.Node> Of(SpanTree tree)
    {
        var paths = new Dictionary<string, SpanTree.Node>(StringComparer.Ordinal);
        Name(tree.Roots, "", paths);
        return paths;
    }

    private static void Name(IReadOnlyList<SpanTree.Node> siblings, string prefix, Dictionary<string, SpanTree.Node> paths)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in siblings) // already in start order
        {
            var step = node.Span.Service + ":" + node.Span.Name;
            var index = seen.GetValueOrDefault(step);
            seen[step] = index + 1;
            var path = prefix + step + (index == 0 ? "" : "[" + index.ToString(CultureInfo.InvariantCulture) + "]");
            paths[path] = node;
            Name(node.Children, path + "/", paths);
        }
    }
}
