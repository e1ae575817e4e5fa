using System.Diagnostics.CodeAnalysis;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// A Kubernetes minor release (<c>1.27</c>). Tracing configuration changes only between minor releases, so
/// <c>v1.27.3</c> and <c>1.27</c> are the same here.
/// </summary>
public readonly record struct KubernetesVersion(int Major, int Minor) : IComparable<KubernetesVersion>
{
    /// <summary><c>1.27</c>, <c>v1.27</c> or <c>1.27.3</c>; only major version 1 exists.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out KubernetesVersion? version)
    {
        version = ComponentVersion.TryParse(text, out var parsed) && parsed.Value.Major == 1
            ? new KubernetesVersion(1, parsed.Value.Minor)
            : null;
        return version is not null;
    }

    public static KubernetesVersion Of(int minor) => new(1, minor);

    public int CompareTo(KubernetesVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Major}.{Minor}";
}
