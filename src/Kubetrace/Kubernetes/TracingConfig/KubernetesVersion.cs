using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// A Kubernetes minor release (<c>1.27</c>). Tracing configuration changes only between minor releases, so
/// <c>v1.27.3</c> and <c>1.27</c> are the same here.
/// </summary>
public readonly record struct KubernetesVersion(int Major, int Minor) : IComparable<KubernetesVersion>
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out KubernetesVersion? version)
    {
        version = null;
        var parts = (text ?? "").Trim().TrimStart('v', 'V').Split('.');
        if (parts.Length is < 2 or > 3) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) || major != 1) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)) return false;
        if (parts.Length == 3 && !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)) return false;
        version = new KubernetesVersion(major, minor);
        return true;
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
