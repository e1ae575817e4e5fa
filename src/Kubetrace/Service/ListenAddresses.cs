using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Hosting;

namespace Kubetrace.Service;

/// <summary>
/// Every socket a loaded configuration will listen on (receivers, extensions, the service's metrics), so that
/// <c>serve --listen-all</c> can open the loopback ones to all interfaces. (Each receiver and query listener warns at
/// start when it is reachable from other machines without TLS or authentication: <see cref="ExposureWarning"/>;
/// health_check and metrics serve no trace data.)
/// </summary>
public static class ListenAddresses
{
    /// <summary>The listeners of the components that run (pipeline receivers, service extensions) and of the metrics endpoint.</summary>
    public static IEnumerable<ListenerSetting> Of(ServiceConfig config)
    {
        var running = config.Pipelines.SelectMany(p => p.Receivers).Distinct().Select(id => (Section: "receivers", Component: config.Receivers[id]))
            .Concat(config.ServiceExtensions.Select(id => (Section: "extensions", Component: config.Extensions[id])));
        foreach (var (section, component) in running)
        {
            if (component.Settings is not IListeningConfig listening) continue;
            foreach (var listener in listening.Listeners)
                yield return listener with { Key = $"{section}::{component.Id}::{listener.Key}" };
        }
        if (config.Telemetry.Metrics.Listener is { } metrics) yield return metrics;
    }

    /// <summary>
    /// <c>serve --listen-all</c>: every listener on a loopback host (<c>localhost</c>, 127.0.0.1, ::1) listens on all
    /// interfaces instead, at the same port; listeners given another host keep it. Inside a container, loopback is
    /// reachable from nowhere else, so this is how the defaults become usable there.
    /// </summary>
    public static void OpenToAllInterfaces(ServiceConfig config)
    {
        foreach (var listener in Of(config))
        {
            if (EndpointAddress.TryParse(listener.Endpoint, out var address, out _) && address.IsLoopback)
                listener.Replace(new EndpointAddress("", address.Port).ToString());
        }
    }
}
