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
    /// A query asking for a watch, as <see cref="Analysis.LongRunningRequests.AsksForWatch"/> reads it: a <c>watch</c>
    /// parameter whose value the apiserver reads as true — any but <c>0</c> or <c>false</c> in any case, none at all
    /// too (<c>watch</c>, <c>watch=</c>). What a regular expression cannot follow: the rule takes the first
    /// <c>watch</c> parameter (a query repeating it is read here by any), and decodes escapes (<c>watch=%30</c>).
    /// </summary>
    public static readonly string Watch = $"[^?]*\\?([^&]*&)*watch(=({NotZero}|[^&]{{2,4}}|[^&]{{6,}}|{BuildNotLiteral("false", "&", ignoreCase: true, lengthOnly: true)})?)?(&.*)?";

    private const string NotZero = "[^&0]";

    /// <summary>A path segment other than <c>namespaces</c>: shorter, longer, or differing at some position.</summary>
    private static readonly string NotNamespaces = BuildNotLiteral("namespaces", "/?");

    /// <summary>
    /// A run of characters outside <paramref name="stops"/> other than <paramref name="literal"/>: shorter, longer, or
    /// differing at some position (only the last, of the literal's own length, when <paramref name="lengthOnly"/>), in
    /// any case when <paramref name="ignoreCase"/> (the literal is lower-case letters then).
    /// </summary>
    private static string BuildNotLiteral(string literal, string stops, bool ignoreCase = false, bool lengthOnly = false)
    {
        var any = $"[^{stops}]";
        string Same(char c) => ignoreCase ? $"[{c}{char.ToUpperInvariant(c)}]" : c.ToString();
        string Other(char c) => ignoreCase ? $"[^{stops}{c}{char.ToUpperInvariant(c)}]" : $"[^{stops}{c}]";
        var text = new StringBuilder("(");
        if (!lengthOnly) text.Append($"{any}{{1,{literal.Length - 1}}}|{any}{{{literal.Length + 1},}}|");
        for (var i = 0; i < literal.Length; i++)
        {
            if (i > 0) text.Append('|');
            foreach (var c in literal[..i]) text.Append(Same(c));
            text.Append(Other(literal[i])).Append(i + 1 < literal.Length ? $"{any}{{{literal.Length - i - 1}}}" : "");
        }
        return text.Append(')').ToString();
    }
}
