using System.Globalization;
using System.Net;

namespace Kubetrace.Hosting;

/// <summary>
/// A listen address written as in the Collector: <c>host:port</c>, <c>[::1]:port</c> or <c>:port</c> (all interfaces).
/// <c>localhost</c> means the loopback interfaces only, the Collector's safe default.
/// </summary>
public readonly record struct EndpointAddress(string Host, int Port)
{
    public bool IsLocalhost => Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reachable from this machine only: <c>localhost</c> or a loopback address (127.0.0.0/8, ::1).</summary>
    public bool IsLoopback => IsLocalhost || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    public bool IsAnyInterface => Host.Length == 0 || Host is "0.0.0.0" or "::";

    public static bool TryParse(string text, out EndpointAddress address, out string? error)
    {
        address = default;
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            error = $"endpoint \"{text}\" must be host:port (e.g. localhost:4317 or 0.0.0.0:4317)";
            return false;
        }
        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"endpoint \"{text}\" has an invalid port \"{text[(colon + 1)..]}\" (0-65535)";
            return false;
        }
        if (host.Length > 0 && !IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            error = $"endpoint \"{text}\" has an invalid host \"{host}\"";
            return false;
        }
        address = new EndpointAddress(host, port);
        error = null;
        return true;
    }

    /// <summary>The addresses to bind: loopback for localhost, any for an empty host, the host's own addresses otherwise.</summary>
    public IReadOnlyList<IPAddress> Resolve()
    {
        if (IsLocalhost) return [IPAddress.Loopback];
        if (Host.Length == 0) return [IPAddress.IPv6Any];
        if (IPAddress.TryParse(Host, out var ip)) return [ip];
        return Dns.GetHostAddresses(Host);
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
