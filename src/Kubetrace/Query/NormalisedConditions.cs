using System.Text.RegularExpressions;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Storage;

namespace Kubetrace.Query;

/// <summary>
/// Search by Kubetrace's normalised Kubernetes names (<see cref="K8sKeys"/>): a condition on, say,
/// <c>k8s.namespace.name</c> must find spans that carry the namespace as <c>namespace</c> (apiserver), as
/// <c>k8s.namespace.name</c> or inside <c>k8s.pod</c> = namespace/name (kubelet). Storage knows only raw keys, so
/// the engine pushes down one alternative per raw source (any of them may hold the value) and re-evaluates
/// every span with <see cref="K8sVocabulary.Resolve"/> (see <see cref="SpanPredicate"/>). Stored attributes are
/// never rewritten: results show what was sent.
/// </summary>
public static class NormalisedConditions
{
    /// <summary>Whether <paramref name="key"/> is a normalised name read from raw keys other than itself.</summary>
    public static bool IsNormalised(string key)
    {
        var sources = K8sVocabulary.SourcesOf(key);
        return sources.Count > 1 || sources[0] != key;
    }

    /// <summary>
    /// What storage can look for instead of a condition on a normalised key: one condition per raw source. A
    /// source whose value is the normalised value gets the same test; a composite or reformatted one (k8s.pod,
    /// http.target, rpc.grpc.status_code) gets the closest test storage can run (a regex on the pod's part or on the
    /// target's path, else "exists"), which may over-return; the engine re-evaluates. Other conditions are their own alternative.
    /// </summary>
    public static IReadOnlyList<Condition> Alternatives(Condition condition)
    {
        if (condition.Scope == AttributeScope.Intrinsic || !IsNormalised(condition.Key)) return [condition];
        return K8sVocabulary.SourcesOf(condition.Key).Select(source => ForSource(condition, source)).Distinct().ToList();
    }

    private static Condition ForSource(Condition condition, string source)
    {
        if (IsDirect(condition.Key, source)) return condition with { Key = source };
        if (source == "k8s.pod" && condition.Op == ConditionOp.Equal && condition.Value is { } value)
        {
            var escaped = Regex.Escape(value);
            var pattern = condition.Key == K8sKeys.Namespace ? escaped + "/.*" : "(?:.*/)?" + escaped;
            return new Condition(condition.Scope, source, ConditionOp.Regex, pattern);
        }
        // A request path is http.target's part before the query (a proxy's absolute form adds a scheme and host):
        // its pattern finds the value in the target's postings, where "exists" asked for every request.
        if (condition.Key == K8sKeys.UrlPath && source == "http.target" && condition.Op == ConditionOp.Equal && condition.Value is { } path && path.StartsWith('/') &&
            $@"(?:[A-Za-z][A-Za-z0-9+.-]*://[^/]*)?{Regex.Escape(path)}(?:\?.*)?" is { Length: <= UserRegex.MaxPatternLength } target)
            return new Condition(condition.Scope, source, ConditionOp.Regex, target);
        return new Condition(condition.Scope, source, ConditionOp.Exists);
    }

    /// <summary>Sources whose raw value is the normalised value as it is.</summary>
    private static bool IsDirect(string key, string source) => (key, source) switch
    {
        (_, "k8s.pod") => false,
        (K8sKeys.UrlPath, not "url.path") => false,
        (K8sKeys.RpcMethod, _) => false,
        (K8sKeys.RpcStatus, "rpc.grpc.status_code") => false,
        _ => true,
    };

    /// <summary>
    /// The fetch variants of a list of conditions that must all hold: every combination of one alternative per
    /// condition (a query rarely has more than one normalised condition, so this stays a handful).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Condition>> Variants(IReadOnlyList<Condition> conditions)
    {
        IEnumerable<IReadOnlyList<Condition>> variants = [[]];
        foreach (var condition in conditions)
        {
            var alternatives = Alternatives(condition);
            variants = variants.SelectMany(v => alternatives.Select(a => (IReadOnlyList<Condition>)[.. v, a]));
        }
        var list = variants.ToList();
        // Too many combinations: push down only the plain conditions; the engine filters the rest.
        return list.Count <= MaxVariants ? list : [conditions.Where(c => Alternatives(c).Count == 1 && Alternatives(c)[0] == c).ToList()];
    }

    /// <summary>Bounds the fetches of one search (3 sources × 3 normalised conditions = 27).</summary>
    public const int MaxVariants = 27;
}
