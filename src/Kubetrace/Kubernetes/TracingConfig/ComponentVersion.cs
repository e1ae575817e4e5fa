using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>A <c>major.minor</c> release of etcd or containerd (patch releases are ignored).</summary>
public readonly record struct ComponentVersion(int Major, int Minor) : IComparable<ComponentVersion>
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out ComponentVersion? version)
    {
        version = null;
        var parts = (text ?? "").Trim().TrimStart('v', 'V').Split('.');
        if (parts.Length is < 2 or > 3) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)) return false;
        if (parts.Length == 3 && !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)) return false;
        version = new ComponentVersion(major, minor);
        return true;
    }

    public int CompareTo(ComponentVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public override string ToString() => $"{Major}.{Minor}";
}
