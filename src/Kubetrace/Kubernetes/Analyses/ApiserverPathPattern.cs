using System.Text;
using static Kubetrace.Analysis.TraceQlText;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// Regular expressions (whole-value, as TraceQL's <c>=~</c> takes them) for the request paths that
/// <see cref="ApiserverRoute.Parse"/> reads as a given resource, subresource and "names one object", for the
/// <c>apiserver</c> rows' searches. The inverse of the parser for paths as the apiserver records them: absolute,
/// one slash between segments, optionally followed by a query (a doubled slash, which the parser skips, is not matched).
/// </summary>
internal static class ApiserverPathPattern
{
    private const string Segment = "[^/?]+";
    private const string Namespaced = "/namespaces/" + Segment;
    private const string Query = "/*(\\?.*)?";

    /// <summary>
    /// Paths of an API group version: the core group (<c>/api/v1</c>), the named <paramref name="group"/>, or when
    /// it is null any built-in group (kube-apiserver's own, <see cref="BuiltInApiGroups"/>, and the core). The group
    /// is read as the analysis names a resource's group: from a path that starts <c>/apis/{group}/</c>.
    /// </summary>
    public static string GroupVersion(string? group) => group is null
        ? $"(/api/{Segment}|/apis/{BuiltIn}/{Segment})"
        : $"/apis/{EscapeRegex(group)}/{Segment}";

    /// <summary>The built-in groups but the core, the <c>.k8s.io</c> ones written once with their common suffix.</summary>
    private static readonly string BuiltIn = BuildBuiltIn();

    private static string BuildBuiltIn()
    {
        const string suffix = ".k8s.io";
        var groups = BuiltInApiGroups.All.Where(g => g.Length > 0).ToList();
        var shared = groups.Where(g => g.EndsWith(suffix, StringComparison.Ordinal)).Select(g => EscapeRegex(g[..^suffix.Length]));
        var others = groups.Where(g => !g.EndsWith(suffix, StringComparison.Ordinal)).Select(EscapeRegex);
        return $"({string.Join('|', others)}|({string.Join('|', shared)}){EscapeRegex(suffix)})";
    }

    /// <summary>
    /// The part after the group version that the parser reads as <paramref name="resource"/> (null: any) with
    /// <paramref name="subresource"/> (null: none), naming one object when <paramref name="named"/> (null: either).
    /// <c>namespaces/{ns}</c> is skipped only when two or more segments follow it, as the parser does: a path whose
    /// first segment is <c>namespaces</c> and that has three or more is read from the segment after the namespace.
    /// </summary>
    public static string Resource(string? resource, string? subresource, bool? named)
    {
        var name = resource is null ? Segment : EscapeRegex(resource);
        var tail = subresource is not null ? $"/{Segment}/{EscapeRegex(subresource)}(/{Segment})*"
            : named switch { true => $"/{Segment}", false => "", null => $"(/{Segment})?" };
        // Read from the first segment: it is not "namespaces" followed by two or more segments.
        var first = subresource is null ? name : resource is null ? NotNamespaces : resource == "namespaces" ? null : name;
        var shifted = $"{Namespaced}/{name}{tail}";
        return (first is null ? shifted : $"({shifted}|/{first}{tail})") + Query;
    }

    /// <summary>Anything after the group version: any resource or none.</summary>
    public const string AnyResource = "([/?].*)?";

    /// <summary>
    /// A query asking for a watch, as <see cref="ApiserverRoute.IsWatchQuery"/> reads it: a <c>watch</c> parameter
    /// Go reads as true (the parser takes the first <c>watch</c> parameter; a query repeating it is read by any).
    /// </summary>
    public const string Watch = "[^?]*\\?([^&]*&)*watch=(true|1|t|T|TRUE|True)(&.*)?";

    /// <summary>A path segment other than <c>namespaces</c>: shorter, longer, or differing at some position.</summary>
    private static readonly string NotNamespaces = BuildNotLiteral("namespaces");

    private static string BuildNotLiteral(string literal)
    {
        var text = new StringBuilder("(");
        text.Append($"[^/?]{{1,{literal.Length - 1}}}|[^/?]{{{literal.Length + 1},}}");
        for (var i = 0; i < literal.Length; i++)
            text.Append('|').Append(literal[..i]).Append($"[^/?{literal[i]}]").Append(i + 1 < literal.Length ? $"[^/?]{{{literal.Length - i - 1}}}" : "");
        return text.Append(')').ToString();
    }
}
