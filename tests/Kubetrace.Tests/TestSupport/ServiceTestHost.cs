using Kubetrace.Config;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Service;
using Kubetrace.Tests.Config;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.TestSupport;

/// <summary>Starts a <see cref="KubetraceService"/> from inline YAML over the test components of <see cref="TestWorld"/>.</summary>
public static class ServiceTestHost
{
    /// <summary>Appended to every test config: the metrics endpoint on a free loopback port, never the fixed 8888.</summary>
    public const string Telemetry = "  telemetry:\n    metrics:\n      address: 127.0.0.1:0\n";

    public static ServiceConfig Load(string yaml, ComponentCatalog catalog)
    {
        var result = new ConfigLoader(catalog, _ => null).Load(yaml, "test.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Config!;
    }

    public static async Task<KubetraceService> StartAsync(string yaml, ComponentCatalog catalog, TimeSpan? shutdownTimeout = null)
    {
        var service = new KubetraceService(Load(yaml, catalog), NullLoggerFactory.Instance, shutdownTimeout);
        await service.StartAsync(CancellationToken.None);
        return service;
    }

    public static TraceBatch EmptyBatch() => TraceBatch.FromRequest(new ExportTraceServiceRequest());
}
