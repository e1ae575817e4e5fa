namespace Kubetrace.Kubernetes.Deploy;

/// <summary>
/// Where a workload's credentials come from and where they are mounted: the Secrets and ConfigMap the user makes
/// (<see cref="InstallSecurity"/>), and for service-account tokens a projected token the kubelet renews. Mounted
/// outside the config's folder (a volume inside another read-only volume needs a mount point there), read-only.
/// </summary>
internal static class CredentialVolumes
{
    /// <summary>The serving Secret: <c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>.</summary>
    public const string ServingTls = "/etc/kubetrace-tls";

    /// <summary>An agent's: the gateway's <c>ca.crt</c>, its own <c>tls.crt</c> and <c>tls.key</c> or <c>token</c>.</summary>
    public const string GatewayCredentials = "/etc/kubetrace-gateway";

    public const string Jwks = "/etc/kubetrace-jwks";
    public const string QueryUsers = "/etc/kubetrace-query-users";
    public const string TokenFile = "token";
    public const string JwksFile = "jwks.json";
    public const string HtpasswdFile = "htpasswd";

    /// <summary>
    /// The annotation of a pod template that lists the objects it names but the manifests leave to the user
    /// (<c>Secret/name,ConfigMap/name</c>): the reference check accepts those, and only those, as missing.
    /// </summary>
    public const string UserProvidedAnnotation = Checks.WorkloadPod.UserProvidedAnnotation;

    /// <summary>A projected token lives an hour; the kubelet renews it at 80% of that.</summary>
    public const int TokenExpirationSeconds = 3600;

    /// <summary>Pod volumes (YAML list items at column 0), starting with a newline; empty without credentials.</summary>
    public static string Volumes(InstallSecurity security, bool agent)
    {
        if (agent)
        {
            if (security.TlsSecret is null) return "";
            var sources = SecretItems(security.TlsSecret, "ca.crt");
            if (security.AgentAuth == AgentAuthentication.Mtls) sources += SecretItems(security.AgentClientSecret!, "tls.crt", "tls.key");
            if (security.AgentAuth == AgentAuthentication.ServiceAccountToken)
                sources += $"\n- serviceAccountToken:\n    audience: {security.TokenAudience}\n    expirationSeconds: {TokenExpirationSeconds}\n    path: {TokenFile}";
            return $"\n- name: gateway-credentials\n  projected:\n    sources:{Text.Indent(sources, 6)}";
        }
        var volumes = "";
        if (security.TlsSecret is not null) volumes += $"\n- name: serving-tls\n  secret:\n    secretName: {security.TlsSecret}";
        if (security.AgentAuth == AgentAuthentication.ServiceAccountToken)
            volumes += $"\n- name: issuer-keys\n  configMap:\n    name: {security.JwksConfigMap}\n    items:\n      - key: {JwksFile}\n        path: {JwksFile}";
        if (security.QueryHtpasswdSecret is not null)
            volumes += $"\n- name: query-users\n  secret:\n    secretName: {security.QueryHtpasswdSecret}\n    items:\n      - key: {HtpasswdFile}\n        path: {HtpasswdFile}";
        return volumes;
    }

    /// <summary>The container's mounts of <see cref="Volumes"/>, in the same order.</summary>
    public static string Mounts(InstallSecurity security, bool agent)
    {
        var mounts = new List<(string Volume, string Path)>();
        if (agent && security.TlsSecret is not null) mounts.Add(("gateway-credentials", GatewayCredentials));
        if (!agent)
        {
            if (security.TlsSecret is not null) mounts.Add(("serving-tls", ServingTls));
            if (security.AgentAuth == AgentAuthentication.ServiceAccountToken) mounts.Add(("issuer-keys", Jwks));
            if (security.QueryHtpasswdSecret is not null) mounts.Add(("query-users", QueryUsers));
        }
        return string.Concat(mounts.Select(m => $"\n- name: {m.Volume}\n  mountPath: {m.Path}\n  readOnly: true"));
    }

    /// <summary>The pod template's <see cref="UserProvidedAnnotation"/> (under <c>metadata:</c>), or empty.</summary>
    public static string Annotation(InstallSecurity security, bool agent) =>
        security.UserProvided(agent).ToList() is { Count: > 0 } names
            ? $"\nannotations:\n  {UserProvidedAnnotation}: \"{string.Join(",", names)}\""
            : "";

    private static string SecretItems(string secret, params string[] keys) =>
        $"\n- secret:\n    name: {secret}\n    items:" + string.Concat(keys.Select(k => $"\n      - key: {k}\n        path: {k}"));
}
