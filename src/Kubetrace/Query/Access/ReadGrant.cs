using Kubetrace.Kubernetes.Access;

namespace Kubetrace.Query.Access;

/// <summary>
/// What a reader may see: everything, or the spans of the namespaces matching <see cref="Namespaces"/> plus, with
/// <see cref="Cluster"/>, the cluster-scoped ones (nodes, cluster roles, requests naming no namespace). Decided per
/// span by <see cref="TraceNamespaces"/>.
/// </summary>
public sealed record ReadGrant(bool All, IReadOnlyList<NamespacePattern> Namespaces, bool Cluster)
{
    public static ReadGrant Everything { get; } = new(true, [], true);

    /// <summary>Sees nothing (a principal no rule names).</summary>
    public static ReadGrant Nothing { get; } = new(false, [], false);

    /// <summary>Carried for tenants (issue 11, item 4); reads are not split by it yet.</summary>
    public string? Tenant { get; init; }

    public bool IsNothing => !All && !Cluster && Namespaces.Count == 0;

    /// <summary>Equal for grants that allow the same spans (whatever the order or repetition of their patterns):
    /// what answers computed through a grant are kept under (<see cref="ScopedListingCache"/>).</summary>
    public string Key => All ? "all"
        : string.Join(",", Namespaces.Select(n => n.Text).Distinct().Order(StringComparer.Ordinal)) + (Cluster ? "|cluster" : "|");

    /// <summary>Whether a span decided as <paramref name="ns"/> ("" for cluster-scoped) is visible.</summary>
    public bool Allows(string ns)
    {
        if (All) return true;
        if (ns.Length == 0) return Cluster;
        foreach (var pattern in Namespaces)
            if (pattern.Matches(ns)) return true;
        return false;
    }

    /// <summary>What two rules that both name a principal grant together.</summary>
    public ReadGrant Union(ReadGrant other) => new(All || other.All, [.. Namespaces, .. other.Namespaces], Cluster || other.Cluster)
    {
        Tenant = Tenant ?? other.Tenant,
    };

    public override string ToString() =>
        All ? "all" : string.Join(", ", Namespaces.Select(n => n.Text).Concat(Cluster ? ["cluster"] : []).DefaultIfEmpty("nothing"));
}
