using System.Text.RegularExpressions;

namespace Kubetrace.Kubernetes.Analyses.Flow;

/// <summary>
/// How a Deployment's ReplicaSets and their pods are named, the only tie between them that spans carry (owner
/// references are in the objects, never in span attributes). The deployment controller names the ReplicaSet
/// <c>deployment-name + "-" + pod-template-hash</c>, the hash encoded with <c>rand.SafeEncodeString</c>'s alphabet;
/// the replicaset controller creates pods with <c>generateName: replicaset-name + "-"</c>, to which the apiserver
/// appends 5 characters of the same alphabet (k8s.io/apiserver pkg/storage/names/generate.go line 45 at v0.34.0).
/// </summary>
public static class GeneratedNames
{
    /// <summary>apimachinery's util/rand alphabet: no vowels (no words), no 0/1/3 (look like letters).</summary>
    private const string Alphabet = "[bcdfghjklmnpqrstvwxz2456789]";

    /// <summary>A pattern (for the store's regex conditions, which anchor it) of the ReplicaSets of <paramref name="deployment"/>.</summary>
    public static string ReplicaSetsOf(string deployment) => Regex.Escape(deployment) + "-" + Alphabet + "{1,10}";

    /// <summary>A pattern of the pods of <paramref name="replicaSet"/>.</summary>
    public static string PodsOf(string replicaSet) => Regex.Escape(replicaSet) + "-" + Alphabet + "{5}";

    /// <summary>The name at the end of an etcd key (<c>/registry/pods/shop/web-abc</c> → <c>web-abc</c>), when the key is in <paramref name="ns"/>.</summary>
    public static string? NameInKey(string key, string resource, string ns)
    {
        var marker = "/" + resource + "/" + ns + "/";
        var at = key.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var name = key[(at + marker.Length)..];
        return name.Length == 0 || name.Contains('/') ? null : name;
    }
}
