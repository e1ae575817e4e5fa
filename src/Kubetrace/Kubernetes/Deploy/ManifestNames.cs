namespace Kubetrace.Kubernetes.Deploy;

/// <summary>The names of the objects <c>k8s install</c> and the Helm chart create.</summary>
public static class ManifestNames
{
    public const string App = "kubetrace";
    public const string ServiceAccount = "kubetrace";
    public const string Agent = "kubetrace-agent";
    public const string Gateway = "kubetrace-gateway";
    public const string GatewayHeadless = "kubetrace-gateway-headless";
    public const string Single = "kubetrace";
    public const string SingleData = "kubetrace-data";

    /// <summary>The <c>app.kubernetes.io/component</c> label of each workload.</summary>
    public static string Component(InstallTopology topology, bool agent) =>
        agent ? "agent" : topology == InstallTopology.Single ? "single" : "gateway";
}
