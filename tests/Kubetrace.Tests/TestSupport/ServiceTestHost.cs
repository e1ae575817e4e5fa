using Kubetrace.Config;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Service;
using Kubetrace.Tests.Config;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.TestSupport;

/// <summary>Starts a <see cref="KubetraceService"/> from inline YAML over the test components of <see cref="TestWorld"/>.</summary>
public static class ServiceTestHost
{
    public static ServiceConfig Load(string yaml, ComponentCatalog catalog)
    {
        var result = new ConfigLoader(catalog, _ => null).Load(yaml, "test.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Config!;
    }

    /// <param name="logs">Where the service logs (e.g. <see cref="TestSettings.Capturing"/>); nowhere by default.</param>
    public static async Task<KubetraceService> StartAsync(string yaml, ComponentCatalog catalog, TimeSpan? shutdownTimeout = null, ILoggerFactory? logs = null)
    {
        var config = Load(yaml, catalog);
        FreePorts.AssertNoFixedPort(config);
        var service = new KubetraceService(config, logs ?? NullLoggerFactory.Instance, shutdownTimeout);
        await service.StartAsync(CancellationToken.None);
        return service;
    }

    /// <summary>
    /// Starts the service on <paramref name="portCount"/> fresh loopback ports that <paramref name="yaml"/> writes into
    /// its config, choosing again when a port was taken before the service bound it (<see cref="FreePorts.StartOnFreshAsync{T}"/>).
    /// </summary>
    public static Task<(KubetraceService Service, int[] Ports)> StartOnFreshAsync(int portCount, Func<int[], string> yaml, ILoggerFactory? logs = null) =>
        FreePorts.StartOnFreshAsync(portCount, async ports => (await StartAsync(yaml(ports), ComponentCatalog.Default, logs: logs), ports));

    public static TraceBatch EmptyBatch() => TraceBatch.FromRequest(new ExportTraceServiceRequest());
}
