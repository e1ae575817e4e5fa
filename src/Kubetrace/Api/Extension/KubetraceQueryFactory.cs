using Kubetrace.Components;

namespace Kubetrace.Api.Extension;

/// <summary><c>kubetrace_query</c>: serves the native, Jaeger and Tempo query APIs over a storage exporter.</summary>
public sealed class KubetraceQueryFactory() : ComponentFactory<KubetraceQueryConfig>("kubetrace_query", ComponentKind.Extension),
    IExtensionFactory
{
    public IExtension Create(ComponentSettings settings, object config) =>
        new KubetraceQueryExtension(settings, (KubetraceQueryConfig)config);
}
