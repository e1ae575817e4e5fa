namespace Kubetrace.Processors.Redaction;

/// <summary>
/// <c>preset: kubernetes</c>: what real cluster traces leak, as rules added to the user's own. Keys whose whole
/// value is a credential are masked; secrets inside any other value (URLs, <c>http.target</c>, messages, span
/// names) are masked where they stand, keeping the text around them.
/// </summary>
/// <remarks>
/// Where they come from: otelhttp records no headers by default, but instrumentation that captures headers
/// writes <c>http.request.header.authorization</c> / <c>.cookie</c> (semantic conventions); clients put bearer
/// tokens and <c>access_token</c> into query strings (websocket exec/attach/port-forward through proxies, OIDC
/// callbacks), basic auth into URLs (registries, webhooks with <c>url:</c> credentials); a ServiceAccount token is
/// a JWT (<c>eyJ…</c>) that can appear in any value that echoes a request; kubeconfig and certificate material
/// (<c>client-key-data</c>, PEM blocks, their base64 <c>LS0tLS1CRUdJTi…</c>) appears in error messages and events.
/// </remarks>
internal static class KubernetesPreset
{
    public const string Name = "kubernetes";

    /// <summary>Keys (last segment after <c>.</c>, <c>_</c> or <c>-</c>, any case) whose whole value is masked.</summary>
    public static readonly string[] KeyPatterns =
    [
        @"(?i)^(.*[._-])?(authorization|proxy-authorization|cookie|set-cookie|password|passwd|client[-_]secret|api[-_]?key|auth[-_]token|access[-_]token|refresh[-_]token|id[-_]token|bearer[-_]token|token|private[-_]key|client[-_]key[-_]data|kubeconfig)$",
    ];

    /// <summary>
    /// Text that every value pattern needs (one of these, ASCII, in any case, must be in a value for any pattern to
    /// match it): a value with none of them is clean without running the patterns. Kept beside the patterns: a
    /// pattern added below needs its literal here.
    /// </summary>
    public static readonly string[] ValueTriggers =
    [
        "earer", "basic", // Bearer, Basic
        "=", // query strings
        "@", // user information in URLs
        "eyJ", // JWTs
        "-----BEGIN", "LS0tLS1CRUdJTi", // PEM, base64 PEM
        "token", "client-", "client_", "passw", // kubeconfig / JSON / YAML fields
        "hooks.slack.com",
    ];

    /// <summary>Secrets inside values; the <c>secret</c> group is what is masked.</summary>
    public static readonly string[] ValuePatterns =
    [
        // Authorization header values wherever they are echoed: "Bearer <token>", "Basic <base64>". Tokens are long
        // and the scheme is written as sent, so prose ("bearer of", "basic auth") is left alone.
        @"\b[Bb]earer\s+(?<secret>[A-Za-z0-9\-._~+/]{16,}=*)",
        @"\bBasic\s+(?<secret>[A-Za-z0-9+/]{6,}={0,2})",
        // Credentials in query strings and fragments (http.target, url.full, url.query, http.url).
        @"(?i)[?&#;](access_token|token|id_token|refresh_token|auth|authorization|password|passwd|client_secret|api_key|apikey|x-amz-signature|x-amz-security-token|x-goog-signature|sig|signature)=(?<secret>[^&#\s""']+)",
        // User information in URLs (basic auth, token-as-user): scheme://<secret>@host.
        @"(?i)\b[a-z][a-z0-9+.-]*://(?<secret>[^/?#@\s""']+)@",
        // JWTs (ServiceAccount tokens, OIDC id tokens) anywhere: header.payload.signature, base64url.
        @"(?<secret>eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)",
        // PEM blocks (certificates, private keys), with or without their END line.
        @"(?<secret>-----BEGIN [A-Z0-9 ]+-----[^-]*(-----END [A-Z0-9 ]+-----)?)",
        // Base64 of "-----BEGIN" (kubeconfig *-data fields, Secret data).
        @"(?<secret>LS0tLS1CRUdJTi[A-Za-z0-9+/=]*)",
        // kubeconfig / JSON / YAML fields that carry credentials: client-key-data: <x>, "token": "<x>", password=<x>.
        // A token is long (so "token: expired" is prose); a password may be short.
        @"(?i)\b(client-key-data|client-certificate-data|token)[""']?\s*[:=]\s*[""']?(?<secret>[^\s""',;}&]{16,})",
        @"(?i)\b(password|passwd|client-secret|client_secret)[""']?\s*[:=]\s*[""']?(?<secret>[^\s""',;}&]+)",
        // Chat/CI webhooks that carry their secret in the path.
        @"(?i)hooks\.slack\.com/(services|workflows)/(?<secret>[A-Za-z0-9/_-]+)",
    ];
}
