namespace Kubetrace.Kubernetes.Deploy;

/// <summary>How agents prove who they are to the gateway (the agent topology's one hop between Kubetrace processes).</summary>
public enum AgentAuthentication
{
    /// <summary>Anyone who reaches the gateway's OTLP port may send (with TLS: over an encrypted connection).</summary>
    None,

    /// <summary>Each agent presents a client certificate that the CA of the serving Secret (<c>ca.crt</c>) signed.</summary>
    Mtls,

    /// <summary>
    /// Each agent sends a projected ServiceAccount token for the install's audience, which the gateway's <c>oidc</c>
    /// extension checks against the cluster's service-account issuer keys (a ConfigMap the user makes).
    /// </summary>
    ServiceAccountToken,
}

/// <summary>
/// TLS and authentication of an install. Only the hops between Kubetrace and its clients can use them: the agent →
/// gateway hop and the query ports. The components → agent (or → gateway) hop stays plaintext, because
/// component-base dials OTLP with <c>WithInsecure()</c> (tracing/utils.go:67 at v0.27.0 … v0.36.0). Every credential
/// comes from a Secret (or, for the issuer's public keys, a ConfigMap) that the user makes and names here: the
/// manifests declare them as user-provided rather than carry any key material.
/// </summary>
/// <param name="TlsSecret">
/// A <c>kubernetes.io/tls</c> Secret with <c>ca.crt</c> (as cert-manager writes it): the serving certificate of the
/// query ports and, in the agent topology, of the gateway's OTLP port (agents trust its <c>ca.crt</c>).
/// </param>
/// <param name="AgentClientSecret">For <see cref="AgentAuthentication.Mtls"/>: the agents' <c>tls.crt</c> and <c>tls.key</c>.</param>
/// <param name="JwksConfigMap">For service-account tokens: a ConfigMap with <c>jwks.json</c> (<c>kubectl get --raw /openid/v1/jwks</c>).</param>
/// <param name="QueryHtpasswdSecret">A Secret with an <c>htpasswd</c> key (bcrypt entries): basic authentication on the query ports.</param>
public sealed record InstallSecurity(
    string? TlsSecret = null,
    AgentAuthentication AgentAuth = AgentAuthentication.None,
    string? AgentClientSecret = null,
    string ServiceAccountIssuer = InstallSecurity.KubeadmIssuer,
    string TokenAudience = "kubetrace",
    string JwksConfigMap = "kubetrace-sa-jwks",
    string? QueryHtpasswdSecret = null)
{
    /// <summary>kubeadm's <c>--service-account-issuer</c> for the default cluster domain.</summary>
    public const string KubeadmIssuer = "https://kubernetes.default.svc.cluster.local";

    public static readonly InstallSecurity Off = new();

    /// <summary>True when the gateway's OTLP receivers (agent topology) and the agents' exporter use TLS.</summary>
    public bool AgentHopTls(InstallTopology topology) => topology == InstallTopology.Agent && TlsSecret is not null;

    /// <summary>The objects a workload names but the manifests do not contain, as <c>Kind/name</c>.</summary>
    /// <param name="agent">The agent DaemonSet (else the gateway or single store).</param>
    public IEnumerable<string> UserProvided(bool agent)
    {
        if (TlsSecret is not null) yield return $"Secret/{TlsSecret}";
        if (agent)
        {
            if (AgentAuth == AgentAuthentication.Mtls) yield return $"Secret/{AgentClientSecret}";
            yield break;
        }
        if (AgentAuth == AgentAuthentication.ServiceAccountToken) yield return $"ConfigMap/{JwksConfigMap}";
        if (QueryHtpasswdSecret is not null) yield return $"Secret/{QueryHtpasswdSecret}";
    }

    /// <summary>Why these settings cannot be written for <paramref name="topology"/>, or null.</summary>
    public string? Problem(InstallTopology topology)
    {
        foreach (var (flag, name) in new[] { ("--tls-secret", TlsSecret), ("--agent-client-secret", AgentClientSecret),
                     ("--jwks-configmap", JwksConfigMap), ("--query-htpasswd-secret", QueryHtpasswdSecret) })
        {
            if (name is not null && !KubernetesNames.IsDnsSubdomain(name)) return $"{flag} \"{name}\" is not an object name (a DNS subdomain)";
        }
        if (AgentAuth != AgentAuthentication.None && topology != InstallTopology.Agent)
            return $"--agent-auth {InstallChoices.AgentAuth.NameOf(AgentAuth)} is for the agent topology: in the {InstallChoices.Topology.NameOf(topology)} " +
                   "topology the components send to Kubetrace directly, in plaintext without credentials (component-base dials OTLP WithInsecure)";
        if (AgentAuth != AgentAuthentication.None && TlsSecret is null)
            return $"--agent-auth {InstallChoices.AgentAuth.NameOf(AgentAuth)} needs --tls-secret: credentials are not sent in plaintext";
        if (AgentAuth == AgentAuthentication.Mtls && AgentClientSecret is null) return "--agent-auth mtls needs --agent-client-secret (the agents' tls.crt and tls.key)";
        if (AgentAuth != AgentAuthentication.Mtls && AgentClientSecret is not null) return "--agent-client-secret is only used with --agent-auth mtls";
        if (!Uri.TryCreate(ServiceAccountIssuer, UriKind.Absolute, out var issuer) || issuer.Scheme != "https")
            return $"--service-account-issuer \"{ServiceAccountIssuer}\" is not an https URL (kubectl get --raw /.well-known/openid-configuration shows it)";
        if (TokenAudience.Length == 0 || TokenAudience.Any(char.IsWhiteSpace)) return $"--token-audience \"{TokenAudience}\" must be one word";
        return null;
    }
}
