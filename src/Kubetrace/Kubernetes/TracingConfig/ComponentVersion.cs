using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// A <c>major.minor</c> release of etcd or containerd, with the patch when one was given: releases compare by minor
/// (flag names change there), and <see cref="Patch"/> is kept for what changes within a minor (etcd's sampler).
/// </summary>
public readonly record struct ComponentVersion(int Major, int Minor, int? Patch = null) : IComparable<ComponentVersion>
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out ComponentVersion? version)
    {
        version = null;
        var parts = (text ?? "").Trim().TrimStart('v', 'V').Split('.');
        if (parts.Length is < 2 or > 3) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)) return false;
        int? patch = null;
        if (parts.Length == 3)
        {
            if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var p)) return false;
            patch = p;
        }
        version = new ComponentVersion(major, minor, patch);
        return true;
    }

    public int CompareTo(ComponentVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public override string ToString() => Patch is { } patch ? $"{Major}.{Minor}.{patch}" : $"{Major}.{Minor}";
}
