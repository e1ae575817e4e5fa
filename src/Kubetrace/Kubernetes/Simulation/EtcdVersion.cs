namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The etcd shapes that differ in what they trace (kubernetes-spans.md, "etcd"): 3.5 and 3.6 emit only otelgrpc
/// server spans (they differ in flags alone); 3.7 adds internal spans of the apply path (<c>range</c>, <c>txn</c>,
/// <c>put</c>, <c>lease_grant</c>, <c>compact</c>).
/// </summary>
public enum EtcdVersion
{
    V3_5,
    V3_6,
    V3_7,
}

public static class EtcdVersions
{
    /// <summary>Parses <c>3.5</c>, <c>3.6</c> or <c>3.7</c> (a patch level is accepted and ignored).</summary>
    public static bool TryParse(string text, out EtcdVersion version)
    {
        var parts = text.Trim().TrimStart('v').Split('.');
        version = default;
        if (parts.Length is < 2 or > 3 || parts[0] != "3") return false;
        (var known, version) = parts[1] switch
        {
            "5" => (true, EtcdVersion.V3_5),
            "6" => (true, EtcdVersion.V3_6),
            "7" => (true, EtcdVersion.V3_7),
            _ => (false, default),
        };
        return known;
    }

    public static string Name(EtcdVersion version) => version switch
    {
        EtcdVersion.V3_5 => "3.5",
        EtcdVersion.V3_6 => "3.6",
        _ => "3.7",
    };
}
