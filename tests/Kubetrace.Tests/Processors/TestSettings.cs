using Kubetrace.Components;
using Kubetrace.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Processors;

internal static class TestSettings
{
    public static ComponentSettings For(string id, MetricsRegistry? metrics = null)
    {
        ComponentId.TryParse(id, out var componentId, out _);
        return new ComponentSettings(componentId, NullLoggerFactory.Instance, metrics ?? new MetricsRegistry(), new ServiceStatus());
    }
}
