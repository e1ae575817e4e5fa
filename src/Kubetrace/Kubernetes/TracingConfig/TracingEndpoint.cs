using System.Globalization;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// The <c>endpoint</c> of k8s.io/component-base tracing: a gRPC dial target (always insecure OTLP/gRPC), so
/// <c>host:port</c>, <c>[::1]:4317</c>, <c>dns:///host:port</c> or <c>unix:///path</c>. Kubernetes' own validation
/// only runs Go's <c>url.Parse</c>, which lets through values that then fail at every export (<c>http://host:4317</c>
/// is read by gRPC as the address "http://host:4317"; <c>collector</c> without a port dials 443); those are
/// reported here, before the component starts.
/// </summary>
public static class TracingEndpoint
{
    public const string Default = "localhost:4317";

    /// <returns>Null when the endpoint is usable, else why not, as one sentence fragment.</returns>
    public static string? Problem(string endpoint)
    {
        if (endpoint.Length == 0) return "is empty (leave the field out for the default, localhost:4317)";
        if (endpoint.Any(char.IsWhiteSpace)) return $"\"{endpoint}\" contains a space";
        if (endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var hostPort = endpoint[(endpoint.IndexOf("//", StringComparison.Ordinal) + 2)..].TrimEnd('/');
            return $"\"{endpoint}\" is a URL, but Kubernetes components export OTLP over gRPC to a host:port target; write \"{hostPort}\"";
        }
        if (endpoint.StartsWith("unix:", StringComparison.Ordinal) || endpoint.StartsWith("unix-abstract:", StringComparison.Ordinal))
            return endpoint[(endpoint.IndexOf(':') + 1)..].TrimStart('/').Length == 0 ? $"\"{endpoint}\" names no socket path" : null;
        if (endpoint.StartsWith("dns:", StringComparison.Ordinal))
        {
            // dns:[//authority/]host[:port]
            var rest = endpoint["dns:".Length..];
            if (rest.StartsWith("//", StringComparison.Ordinal))
            {
                var slash = rest.IndexOf('/', 2);
                if (slash < 0) return $"\"{endpoint}\" has no host after the authority (write dns:///host:port)";
                rest = rest[(slash + 1)..];
            }
            return HostPortProblem(endpoint, rest);
        }
        if (endpoint.Contains("://", StringComparison.Ordinal))
            return $"\"{endpoint}\" has an unknown scheme (use host:port, dns:///host:port or unix:///path)";
        return HostPortProblem(endpoint, endpoint);
    }

    private static string? HostPortProblem(string endpoint, string hostPort)
    {
        string host;
        string port;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0) return $"\"{endpoint}\" has an unclosed \"[\" around an IPv6 address";
            host = hostPort[1..close];
            var after = hostPort[(close + 1)..];
            if (!after.StartsWith(':')) return NoPort(endpoint);
            port = after[1..];
            if (!System.Net.IPAddress.TryParse(host, out _)) return $"\"{host}\" in \"{endpoint}\" is not an IPv6 address";
        }
        else
        {
            var colon = hostPort.LastIndexOf(':');
            if (colon < 0) return NoPort(endpoint);
            host = hostPort[..colon];
            port = hostPort[(colon + 1)..];
            if (host.Contains(':')) return $"\"{endpoint}\" has too many colons (write an IPv6 address as [::1]:4317)";
            if (host.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')))
                return $"\"{host}\" in \"{endpoint}\" is not a host name or IP address";
        }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            return $"\"{port}\" in \"{endpoint}\" is not a port number (1 to 65535)";
        return null;
    }

    private static string NoPort(string endpoint) =>
        $"\"{endpoint}\" has no port; gRPC would dial port 443, not OTLP's 4317 (write \"{endpoint}:4317\")";
}
