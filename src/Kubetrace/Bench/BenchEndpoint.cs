using System.Net;

namespace Kubetrace.Bench;

/// <summary>Endpoints as users write them: <c>host:port</c> or a URL (<c>http://host:port[/path]</c>).</summary>
internal static class BenchEndpoint
{
    /// <summary>The URL for a written endpoint; a bare <c>host:port</c> means cleartext <c>http://</c>.</summary>
    public static bool TryParseUrl(string text, out Uri url, out string error)
    {
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (Uri.TryCreate(withScheme, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" && parsed.Host.Length > 0)
        {
            url = parsed;
            error = "";
            return true;
        }
        url = new Uri("http://127.0.0.1");
        error = $"'{text}' is not an endpoint: use host:port or http://host:port";
        return false;
    }

    /// <summary>The address to listen on for a written endpoint (<c>localhost</c> is the IPv4 loopback).</summary>
    public static bool TryParseListen(string text, out IPEndPoint endpoint, out string error)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        if (!TryParseUrl(text, out var url, out error)) return false;
        var host = url.Host.Trim('[', ']');
        if (host == "localhost")
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, url.Port);
            return true;
        }
        if (IPAddress.TryParse(host, out var address))
        {
            endpoint = new IPEndPoint(address, url.Port);
            return true;
        }
        error = $"'{text}': the sink listens on an IP address or localhost, not '{host}'";
        return false;
    }
}
