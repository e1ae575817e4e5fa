using Kubetrace.Api;

namespace Kubetrace.Kubernetes.Analyses.Objects;

/// <summary>
/// The object a timeline is about, as the user names it: <c>namespace/name</c>, a UID (a pod's
/// <c>k8s.pod.uid</c>), or a bare name for a cluster-scoped object (a node, a namespace). The UID form is
/// resolved to namespace/name from the kubelet spans that carry both.
/// </summary>
public sealed record ObjectRef(string? Namespace, string? Name, string? Uid)
{
    public static ObjectRef Parse(string text)
    {
        text = text.Trim();
        if (text.Length == 0) throw new BadQueryException("object: give namespace/name or a UID");
        if (Guid.TryParse(text, out _)) return new ObjectRef(null, null, text);
        var slash = text.IndexOf('/');
        if (slash < 0) return new ObjectRef(null, text, null);
        var (ns, name) = (text[..slash], text[(slash + 1)..]);
        if (ns.Length == 0 || name.Length == 0 || name.Contains('/'))
            throw new BadQueryException($"object: \"{text}\" is not namespace/name, a name or a UID");
        return new ObjectRef(ns, name, null);
    }

    /// <summary>Whether namespace and name are known (given, or resolved from the UID).</summary>
    public bool HasName => Name is not null;

    public override string ToString() => Name is null ? Uid ?? "" : Namespace is null ? Name : Namespace + "/" + Name;

    /// <summary>
    /// Whether a storage key is this object's: <c>/[group/]resource/namespace/name</c> as the apiserver's storage spans
    /// record it (before the <c>/registry</c> prefix is added), or etcd's <c>/registry/[group/]resource/namespace/name</c>
    /// (<c>…/resource/name</c> when cluster-scoped).
    /// </summary>
    public bool IsKey(string? key)
    {
        if (key is null || Name is null || !key.StartsWith('/')) return false;
        var start = key.StartsWith("/registry/", StringComparison.Ordinal) ? "/registry/".Length : 1;
        var suffix = Namespace is null ? "/" + Name : "/" + Namespace + "/" + Name;
        if (key.Length < start + suffix.Length || !key.EndsWith(suffix, StringComparison.Ordinal)) return false;
        var resourcePart = key[start..^suffix.Length];
        return resourcePart.Length > 0 && resourcePart.Count(c => c == '/') <= 1;
    }
}
