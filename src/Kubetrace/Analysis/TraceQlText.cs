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
    public static string Span(string key) => "span." + (key.All(Lexer.IsAttributeRune) && !key.Contains('"') ? key : Quote(key));

    public static string Equal(string key, string value) => $"{Span(key)} = {Quote(value)}";

    /// <summary>The attribute's whole value matches the regular expression.</summary>
    public static string Matches(string key, string regex) => $"{Span(key)} =~ {Quote(regex)}";

    public static string Absent(string key) => $"{Span(key)} = nil";

    /// <summary>Absent or empty: what the analyses read as "not said" (<c>subresource=""</c> on a request for the object itself).</summary>
    public static string Unset(string key) => Any(Absent(key), Equal(key, ""));

    /// <summary>Every condition (nulls left out), each already parenthesised where it holds an <c>||</c>.</summary>
    public static string All(params string?[] conditions) => string.Join(" && ", conditions.Where(c => c is not null));

    public static string Any(params string[] conditions) => conditions.Length == 1 ? conditions[0] : "(" + string.Join(" || ", conditions) + ")";

    /// <summary>A spanset filter: <c>{ a &amp;&amp; b }</c>.</summary>
    public static string Filter(params string?[] conditions) => "{ " + All(conditions) + " }";

    /// <summary>
    /// The normalised key's value meets <paramref name="test"/> (given a raw key, the condition on it): its first
    /// present source does, the ones before it absent. Only for keys whose value is their source's as it is
    /// (<see cref="K8sVocabulary.IsVerbatim"/>).
    /// </summary>
    public static string Normalised(string key, Func<string, string> test)
    {
        if (!K8sVocabulary.IsVerbatim(key)) throw new ArgumentException($"{key} is not read verbatim from its sources", nameof(key));
        var sources = K8sVocabulary.SourcesOf(key);
        var text = test(sources[^1]);
        for (var i = sources.Count - 2; i >= 0; i--) text = Any(test(sources[i]), All(Absent(sources[i]), text));
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
