using Kubetrace.Components;
using Kubetrace.Receivers.Otlp;
using Kubetrace.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Receivers;

/// <summary>An <c>otlp</c> receiver listening on free loopback ports, feeding a <see cref="CapturingConsumer"/>.</summary>
internal sealed class RunningReceiver : IAsyncDisposable
{
    private RunningReceiver(OtlpReceiver receiver, CapturingConsumer consumer, MetricsRegistry metrics)
    {
        Receiver = receiver;
        Consumer = consumer;
        Metrics = metrics;
    }

    public OtlpReceiver Receiver { get; }

    public CapturingConsumer Consumer { get; }

    public MetricsRegistry Metrics { get; }

    public Uri GrpcAddress => Receiver.GrpcAddress!;

    public Uri TracesUrl => new(Receiver.HttpAddress!, "/v1/traces");

    /// <param name="loggerFactory">Where the receiver and its servers log; nowhere by default.</param>
    /// <param name="multitenancy">The configuration's <c>multitenancy_enabled</c>.</param>
    public static async Task<RunningReceiver> StartAsync(Action<OtlpReceiverConfig>? configure = null,
        Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null, ComponentDirectory? directory = null, bool multitenancy = false)
    {
        var config = new OtlpReceiverConfig
        {
            Protocols = new ProtocolsConfig
            {
                Grpc = new GrpcServerConfig { Endpoint = "127.0.0.1:0" },
                Http = new HttpServerConfig { Endpoint = "127.0.0.1:0" },
            },
        };
        configure?.Invoke(config);
        Assert.Empty(config.Validate());
        var metrics = new MetricsRegistry();
        var consumer = new CapturingConsumer();
        var settings = new ComponentSettings(new ComponentId("otlp", ""), loggerFactory ?? NullLoggerFactory.Instance, metrics, new ServiceStatus())
        {
            Directory = directory ?? new ComponentDirectory(),
            MultitenancyEnabled = multitenancy,
        };
        var receiver = new OtlpReceiver(settings, config, consumer);
        await receiver.StartAsync(CancellationToken.None);
        return new RunningReceiver(receiver, consumer, metrics);
    }

    public long Counter(string name, string transport) =>
        Metrics.Counter(name, "", ("receiver", "otlp"), ("transport", transport)).Value;

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Receiver.ShutdownAsync(timeout.Token);
    }
}
