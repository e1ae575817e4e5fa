using System.Text;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Query.TraceQl;

namespace Kubetrace.Analysis;

/// <summary>
/// TraceQL as the analyses write it for their rows' searches (<see cref="RowSearch.TraceQl"/>): values quoted as the
/// lexer reads them, regular expressions escaped, span attributes named as stored. TraceQL reads raw keys only, so
/// a Kubetrace normalised name (<see cref="K8sKeys"/>) is spelt as the analyses read it: the first of its sources
/// present on the span (<see cref="K8sVocabulary.SourcesOf"/>) meets the test.
/// </summary>
public static class TraceQlText
{
    /// <summary>A string literal.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>A span attribute (<c>span.resource</c>), its name quoted where TraceQL would end it early.</summary>
    public static string Span(string key) => "span." + Name(key);

    /// <summary>A resource attribute (<c>resource.service.name</c>), quoted as <see cref="Span"/>.</summary>
    public static string Resource(string key) => "resource." + Name(key);

    private static string Name(string key) => key.All(Lexer.IsAttributeRune) && !key.Contains('"') ? key : Quote(key);

    /// <summary>
    /// The span's service is <paramref name="service"/> as the stores name it: a resource without <c>service.name</c>
    /// is read as <c>unknown_service</c> by the embedded store and as the empty name by ClickHouse, so those two
    /// names take such spans too.
    /// </summary>
    public static string Service(string service) => service is "" or "unknown_service"
        ? Any($"{Resource("service.name")} = {Quote(service)}", $"{Resource("service.name")} = nil")
        : $"{Resource("service.name")} = {Quote(service)}";

    public static string Equal(string key, string value) => $"{Span(key)} = {Quote(value)}";

    /// <summary>The attribute's whole value matches the regular expression.</summary>
    public static string Matches(string key, string regex) => $"{Span(key)} =~ {Quote(regex)}";

    /// <summary>The attribute is present and its whole value does not match the regular expression.</summary>
    public static string NotMatches(string key, string regex) => $"{Span(key)} !~ {Quote(regex)}";

    public static string Absent(string key) => $"{Span(key)} = nil";

    /// <summary>Absent or empty: what the analyses read as "not said" (<c>subresource=""</c> on a request for the object itself).</summary>
    public static string Unset(string key) => Any(Absent(key), Equal(key, ""));

    /// <summary>
    /// Every condition (nulls left out), parenthesised when there are several: TraceQL gives <c>&amp;&amp;</c> and
    /// <c>||</c> the same precedence, left to right (Tempo's expr.y), so <c>a || b &amp;&amp; c</c> is <c>(a || b) &amp;&amp; c</c>.
    /// </summary>
    public static string All(params string?[] conditions) => Joined(" && ", conditions, parenthesised: true);

    /// <summary>Any condition, parenthesised when there are several (see <see cref="All"/>).</summary>
    public static string Any(params string[] conditions) => Joined(" || ", conditions, parenthesised: true);

    /// <summary>A spanset filter: <c>{ a &amp;&amp; b }</c>.</summary>
    public static string Filter(params string?[] conditions) => "{ " + Joined(" && ", conditions, parenthesised: false) + " }";

    private static string Joined(string separator, string?[] conditions, bool parenthesised)
    {
        var present = conditions.Where(c => c is not null).ToList();
        return present.Count == 1 || !parenthesised ? string.Join(separator, present) : "(" + string.Join(separator, present) + ")";
    }

    /// <summary>
    /// The normalised key's value meets <paramref name="test"/> (given a raw key, the condition on it): its first
    /// present source does, the ones before it absent. Only for keys whose value is their source's as it is
    /// (<see cref="K8sVocabulary.IsVerbatim"/>).
    /// </summary>
    public static string Normalised(string key, Func<string, string> test)
    {
        if (!K8sVocabulary.IsVerbatim(key)) throw new ArgumentException($"{key} is not read verbatim from its sources", nameof(key));
        return FirstPresent(K8sVocabulary.SourcesOf(key), test);
    }

    /// <summary>
    /// The first of <paramref name="keys"/> present on the span meets <paramref name="test"/> (the ones before it
    /// absent); with none present, <paramref name="otherwise"/> holds (null: false).
    /// </summary>
    public static string FirstPresent(IReadOnlyList<string> keys, Func<string, string> test, string? otherwise = null)
    {
        var text = otherwise is null ? test(keys[^1]) : Any(test(keys[^1]), All(Absent(keys[^1]), otherwise));
        for (var i = keys.Count - 2; i >= 0; i--) text = Any(test(keys[i]), All(Absent(keys[i]), text));
        return text;
    }

    /// <summary>No source of the normalised key is present.</summary>
    public static string NormalisedAbsent(string key) => All(K8sVocabulary.SourcesOf(key).Select(Absent).ToArray());

    /// <summary>A regular expression (RE2) that matches <paramref name="literal"/> and nothing else.</summary>
    public static string EscapeRegex(string literal)
    {
        var text = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            if (@"\.+*?()|[]{}^$".Contains(c)) text.Append('\\');
            text.Append(c);
        }
        return text.ToString();
    }
}
