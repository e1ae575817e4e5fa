namespace Kubetrace.Kubernetes.Deploy;

/// <summary>How Kubetrace is laid out in a cluster (docs/deploy.md has the pictures).</summary>
public enum InstallTopology
{
    /// <summary>A DaemonSet agent on every node (node-local Service) forwarding to a gateway StatefulSet that stores.</summary>
    Agent,

    /// <summary>The gateway StatefulSet with its store alone; the components (or other Collectors) send to its Service.</summary>
    Gateway,

    /// <summary>One Deployment that receives, stores and answers queries, for small clusters.</summary>
    Single,
}

public static class InstallTopologies
{
    private static readonly string[] AllNames = ["agent", "gateway", "single"];

    public static IReadOnlyList<string> Names => AllNames;

    public static string NameOf(InstallTopology topology) => AllNames[(int)topology];

    public static InstallTopology? Parse(string text) =>
        Array.IndexOf(AllNames, text.Trim().ToLowerInvariant()) is var index and >= 0 ? (InstallTopology)index : null;
}
