using Kubetrace.Components;

namespace Kubetrace.Extensions.HealthCheck;

public sealed class HealthCheckFactory() : ComponentFactory<HealthCheckConfig>("health_check", ComponentKind.Extension), IExtensionFactory
{
    public IExtension Create(ComponentSettings settings, object config) => new HealthCheckExtension(settings, (HealthCheckConfig)config);
}
