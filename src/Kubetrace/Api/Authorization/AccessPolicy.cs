using Kubetrace.Extensions.Auth;
using Kubetrace.Query.Access;

namespace Kubetrace.Api.Authorization;

/// <summary>
/// Who may read what: rules that name principals (by subject, group or token claim) and grant them everything,
/// namespaces (globs), cluster-scoped data and a tenant. A principal gets the union of the rules that name it, and
/// nothing when none does. Read from a policy file (<see cref="AccessPolicyFile"/>, docs/security.md).
/// </summary>
public sealed class AccessPolicy(IReadOnlyList<AccessRule> rules)
{
    public IReadOnlyList<AccessRule> Rules => rules;

    public ReadGrant GrantOf(Principal principal)
    {
        var grant = ReadGrant.Nothing;
        foreach (var rule in rules)
            if (rule.Names(principal)) grant = grant.Union(rule.Grant);
        return grant;
    }
}

/// <summary>One rule: it names a principal whose subject, one of whose groups, or one of whose claim values it lists.</summary>
public sealed record AccessRule(
    IReadOnlyList<string> Subjects,
    IReadOnlyList<string> Groups,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Claims,
    ReadGrant Grant)
{
    public bool Names(Principal principal)
    {
        if (Subjects.Contains(principal.Subject, StringComparer.Ordinal)) return true;
        foreach (var group in principal.Groups)
            if (Groups.Contains(group, StringComparer.Ordinal)) return true;
        foreach (var (claim, wanted) in Claims)
            if (principal.Claims.TryGetValue(claim, out var values) && values.Any(v => wanted.Contains(v, StringComparer.Ordinal))) return true;
        return false;
    }
}
