using System.Security.Authentication;

namespace Kubetrace.Hosting.Tls;

/// <summary>
/// The Collector's TLS version names (<c>"1.2"</c>, <c>"1.3"</c>). 1.0 and 1.1 are refused with a reason: they are
/// deprecated (RFC 8996) and a Kubetrace listener never offers them.
/// </summary>
public static class TlsVersion
{
    public static bool TryParse(string text, out SslProtocols version, out string error)
    {
        error = "";
        version = text switch
        {
            "1.2" => SslProtocols.Tls12,
            "1.3" => SslProtocols.Tls13,
            _ => SslProtocols.None,
        };
        if (version != SslProtocols.None) return true;
        error = text is "1.0" or "1.1"
            ? $"TLS {text} is not supported: it is deprecated (RFC 8996); use \"1.2\" or \"1.3\""
            : $"unknown TLS version \"{text}\" (use \"1.2\" or \"1.3\")";
        return false;
    }

    /// <summary>Every version from <paramref name="min"/> to <paramref name="max"/> (None: the newest there is).</summary>
    public static SslProtocols Range(SslProtocols min, SslProtocols max) =>
        (min, max) switch
        {
            (SslProtocols.Tls13, _) => SslProtocols.Tls13,
            (_, SslProtocols.Tls12) => SslProtocols.Tls12,
            _ => SslProtocols.Tls12 | SslProtocols.Tls13,
        };
}
