using System.Globalization;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>The release lines whose tracing the catalog describes; each has its own version numbers.</summary>
public enum ReleaseLine
{
    /// <summary>Kubernetes (kube-apiserver, kubelet): <c>1.27</c> … <c>1.36</c>, tags <c>v1.N.0</c> (staging repos <c>v0.N.0</c>).</summary>
    Kubernetes,

    /// <summary>etcd: <c>3.5.x</c>, <c>3.6.x</c>, <c>3.7.x</c>, tags <c>v3.N.P</c>.</summary>
    Etcd,

    /// <summary>containerd: <c>1.6.x</c>, <c>1.7.x</c>, <c>2.x</c>, tags <c>v1.N.P</c> / <c>v2.N.P</c>.</summary>
    Containerd,
}

/// <summary>
/// One release of a <see cref="ReleaseLine"/>: <c>1.34</c> (a Kubernetes minor; the patch level does not change
/// tracing) or <c>3.5.12</c> (etcd and containerd change tracing within a minor, so patches count there).
/// </summary>
public readonly record struct ComponentRelease(ReleaseLine Line, int Major, int Minor, int Patch = 0) : IComparable<ComponentRelease>
{
    public static ComponentRelease Kubernetes(int minor) => new(ReleaseLine.Kubernetes, 1, minor);

    public static ComponentRelease Etcd(int minor, int patch = 0) => new(ReleaseLine.Etcd, 3, minor, patch);

    public static ComponentRelease Containerd(int major, int minor, int patch = 0) => new(ReleaseLine.Containerd, major, minor, patch);

    /// <summary>Parses <c>1.34</c>, <c>v3.5.12</c>; a missing patch is 0.</summary>
    public static bool TryParse(ReleaseLine line, string text, out ComponentRelease release)
    {
        release = default;
        var parts = text.Trim().TrimStart('v').Split('.');
        if (parts.Length is < 2 or > 3) return false;
        var numbers = new int[3];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])) return false;
        release = new ComponentRelease(line, numbers[0], numbers[1], numbers[2]);
        return true;
    }

    public int CompareTo(ComponentRelease other)
    {
        if (Line != other.Line) throw new ArgumentException($"{Line} and {other.Line} releases do not compare");
        return Major != other.Major ? Major.CompareTo(other.Major)
            : Minor != other.Minor ? Minor.CompareTo(other.Minor)
            : Patch.CompareTo(other.Patch);
    }

    public static bool operator >=(ComponentRelease a, ComponentRelease b) => a.CompareTo(b) >= 0;

    public static bool operator <=(ComponentRelease a, ComponentRelease b) => a.CompareTo(b) <= 0;

    public static bool operator >(ComponentRelease a, ComponentRelease b) => a.CompareTo(b) > 0;

    public static bool operator <(ComponentRelease a, ComponentRelease b) => a.CompareTo(b) < 0;

    /// <summary><c>1.34</c> for Kubernetes, <c>3.5.12</c> for the others; <c>3.5.x</c> for the last patch of a minor (<see cref="LastPatch"/>).</summary>
    public override string ToString() => Line == ReleaseLine.Kubernetes && Patch == 0 ? $"{Major}.{Minor}"
        : Patch == LastPatch ? $"{Major}.{Minor}.x" : $"{Major}.{Minor}.{Patch}";

    /// <summary>The patch level that stands for "every patch of this minor" at the end of a range.</summary>
    public const int LastPatch = int.MaxValue;
}

/// <summary>The releases from <see cref="From"/> through <see cref="Through"/> (open-ended when null), inclusive.</summary>
public readonly record struct ReleaseRange(ComponentRelease From, ComponentRelease? Through = null)
{
    public ReleaseLine Line => From.Line;

    public bool Contains(ComponentRelease release) =>
        release.Line == From.Line && release >= From && (Through is not { } last || release <= last);

    /// <summary>Kubernetes minors <paramref name="from"/> … <paramref name="through"/> (null: every later release).</summary>
    public static ReleaseRange Kubernetes(int from, int? through = null) =>
        new(ComponentRelease.Kubernetes(from), through is { } t ? ComponentRelease.Kubernetes(t) : null);

    public override string ToString() => Through switch
    {
        null => $"{From}+",
        { } t when t == From => From.ToString(),
        { } t => $"{From}–{t}",
    };
}
