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

/// <summary>
/// The names a user types for the values of an install choice (<c>k8s install</c>'s options, the chart's values), in
/// the enum's order.
/// </summary>
public sealed class ChoiceNames<T>(params string[] names) where T : struct, Enum
{
    public IReadOnlyList<string> Names => names;

    public string NameOf(T value) => names[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)];

    public T? Parse(string text) =>
        Array.IndexOf(names, text.Trim().ToLowerInvariant()) is var index and >= 0 ? (T)Enum.ToObject(typeof(T), index) : null;
}

public static class InstallChoices
{
    public static readonly ChoiceNames<InstallTopology> Topology = new("agent", "gateway", "single");

    public static readonly ChoiceNames<AgentAuthentication> AgentAuth = new("none", "mtls", "service-account-token");
}
