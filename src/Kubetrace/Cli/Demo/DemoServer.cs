using Kubetrace.Config;
using Kubetrace.Service;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Cli.Demo;

/// <summary>
/// The server of the demo: exactly <c>kubetrace serve</c>'s built-in configuration (OTLP → embedded store, query
/// APIs), with the demo's ports and data folder set through the same overrides a user would pass with --set.
/// </summary>
internal static class DemoServer
{
    public static async Task<KubetraceService> StartAsync(DemoOptions options, string dataPath, ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        string[] overrides =
        [
            $"receivers::otlp::protocols::grpc::endpoint={options.Host}:{options.OtlpGrpcPort}",
            $"receivers::otlp::protocols::http::endpoint={options.Host}:{options.OtlpHttpPort}",
            $"exporters::kubetrace::path={dataPath}",
            $"extensions::kubetrace_query::endpoint={options.Host}:{options.QueryPort}",
            $"extensions::kubetrace_query::tempo_endpoint={options.Host}:{options.TempoPort}",
            "service::telemetry::metrics::level=none",
        ];
        var result = ConfigOption.Load([], overrides);
        if (!result.IsValid) throw new ServiceStartException(string.Join(Environment.NewLine, result.Errors));
        var service = new KubetraceService(result.Config!, loggerFactory);
        try
        {
            await service.StartAsync(cancellationToken).ConfigureAwait(false);
            return service;
        }
        catch
        {
            await service.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
