namespace Kubetrace.Extensions.Auth;

/// <summary>
/// A client authenticator extension (the Collector's <c>extension/auth</c> client side): the credential an exporter
/// sends with each request. Named by an exporter's <c>auth: authenticator:</c>.
/// </summary>
public interface IClientAuthenticator
{
    /// <summary>
    /// The header name (lower case, as gRPC metadata wants it) and its value now; read again on every request, so a
    /// rotated token file (a projected ServiceAccount token the kubelet renews) is sent from its next request on.
    /// </summary>
    (string Name, string Value) Header();
}
