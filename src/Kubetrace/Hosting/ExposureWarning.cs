using Microsoft.Extensions.Logging;

namespace Kubetrace.Hosting;

/// <summary>
/// The start-up warning for a listener reachable from other machines without TLS or without authentication:
/// allowed (a cluster-internal network may be trusted), but never silently.
/// </summary>
public static class ExposureWarning
{
    public static void Check(ILogger logger, string listener, string endpoint, bool tls, bool authentication)
    {
        if (!EndpointAddress.TryParse(endpoint, out var address, out _) || address.IsLoopback || (tls && authentication)) return;
        var missing = (tls, authentication) switch
        {
            (false, false) => "neither TLS nor authentication",
            (false, true) => "no TLS (credentials and spans cross the network in clear)",
            _ => "no authentication (anyone who reaches it is accepted)",
        };
        logger.LogWarning("{Listener} listens on {Endpoint}, reachable from other machines, with {Missing}: set tls: and auth: (docs/security.md)",
            listener, endpoint, missing);
    }
}
