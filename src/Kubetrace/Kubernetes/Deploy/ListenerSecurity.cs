namespace Kubetrace.Kubernetes.Deploy;

/// <summary>
/// The <c>tls:</c>, <c>auth:</c> and authenticator extensions of the Collector-format configs, from the install's
/// <see cref="InstallSecurity"/>, reading the files <see cref="CredentialVolumes"/> mounts. Each piece is YAML at
/// column 0 of the key it sits under, starting with a newline (empty when the install does not use it), so that
/// <see cref="CollectorConfigs"/> appends it after the line before.
/// </summary>
internal static class ListenerSecurity
{
    private const string AgentTokenAuth = "bearertokenauth/gateway";
    private const string GatewayTokenAuth = "oidc/agents";
    private const string QueryAuth = "basicauth/query";

    /// <summary>The gateway's OTLP listeners in the agent topology: its certificate, and the agents' credential.</summary>
    public static string GatewayReceiver(InstallRequest request)
    {
        var security = request.Secure;
        if (!security.AgentHopTls(request.Topology)) return "";
        var clientCa = security.AgentAuth == AgentAuthentication.Mtls ? $"\n  client_ca_file: {CredentialVolumes.ServingTls}/ca.crt" : "";
        var auth = security.AgentAuth == AgentAuthentication.ServiceAccountToken ? $"\nauth:\n  authenticator: {GatewayTokenAuth}" : "";
        return $"\n{ServingCertificate()}{clientCa}\n  reload_interval: 1m{auth}";
    }

    /// <summary>The agent's <c>otlp</c> exporter: plaintext, or the gateway's CA with the agent's certificate or token.</summary>
    public static string AgentExporter(InstallRequest request)
    {
        var security = request.Secure;
        if (!security.AgentHopTls(request.Topology)) return "tls:\n  insecure: true";
        var path = CredentialVolumes.GatewayCredentials;
        var tls = $"tls:\n  ca_file: {path}/ca.crt";
        return security.AgentAuth switch
        {
            AgentAuthentication.Mtls => $"{tls}\n  cert_file: {path}/tls.crt\n  key_file: {path}/tls.key",
            AgentAuthentication.ServiceAccountToken => $"{tls}\nauth:\n  authenticator: {AgentTokenAuth}",
            _ => tls,
        };
    }

    public static string AgentExtensions(InstallRequest request) =>
        request.Secure.AgentAuth == AgentAuthentication.ServiceAccountToken
            ? $"\n{AgentTokenAuth}:\n  filename: {CredentialVolumes.GatewayCredentials}/{CredentialVolumes.TokenFile}"
            : "";

    public static IEnumerable<string> AgentExtensionIds(InstallRequest request)
    {
        if (request.Secure.AgentAuth == AgentAuthentication.ServiceAccountToken) yield return AgentTokenAuth;
    }

    /// <summary>The query ports (UI, native, Jaeger, Tempo APIs): TLS and basic authentication.</summary>
    public static string Query(InstallRequest request)
    {
        var security = request.Secure;
        var tls = security.TlsSecret is null ? "" : $"\n{ServingCertificate()}\n  reload_interval: 1m";
        var auth = security.QueryHtpasswdSecret is null ? "" : $"\nauth:\n  authenticator: {QueryAuth}";
        return tls + auth;
    }

    /// <summary>
    /// The store's authenticators: <c>oidc</c> for the agents' projected tokens (issuer keys from the user's
    /// ConfigMap; only the install's own ServiceAccount, by its <c>sub</c>), <c>basicauth</c> for people.
    /// </summary>
    public static string StoreExtensions(InstallRequest request)
    {
        var security = request.Secure;
        var text = "";
        if (security.AgentAuth == AgentAuthentication.ServiceAccountToken)
            text += $"""

                {GatewayTokenAuth}:
                  issuer_url: {security.ServiceAccountIssuer}
                  audience: {security.TokenAudience}
                  jwks_file: {CredentialVolumes.Jwks}/{CredentialVolumes.JwksFile}
                  required_claims:
                    sub: "system:serviceaccount:{request.Namespace}:{ManifestNames.ServiceAccount}"
                """;
        if (security.QueryHtpasswdSecret is not null)
            text += $"\n{QueryAuth}:\n  htpasswd:\n    file: {CredentialVolumes.QueryUsers}/{CredentialVolumes.HtpasswdFile}";
        return text;
    }

    public static IEnumerable<string> StoreExtensionIds(InstallRequest request)
    {
        if (request.Secure.AgentAuth == AgentAuthentication.ServiceAccountToken) yield return GatewayTokenAuth;
        if (request.Secure.QueryHtpasswdSecret is not null) yield return QueryAuth;
    }

    private static string ServingCertificate() =>
        $"tls:\n  cert_file: {CredentialVolumes.ServingTls}/tls.crt\n  key_file: {CredentialVolumes.ServingTls}/tls.key";
}
