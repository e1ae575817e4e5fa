using System.Net;
using System.Net.Sockets;
using Kubetrace.Cli;
using Kubetrace.Service;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Service;

/// <summary>
/// <c>serve --listen-all</c> opens the loopback listeners to all interfaces, and start-up warns about every listener
/// other machines can reach without TLS or authentication.
/// </summary>
public class ListenAddressesTests
{
    [Fact]
    public void The_default_configuration_listens_on_loopback_only()
    {
        var config = ConfigOption.Load([], []).Config!;

        Assert.Equal(
            [
                "receivers::otlp::protocols::grpc::endpoint=localhost:4317",
                "receivers::otlp::protocols::http::endpoint=localhost:4318",
                "extensions::kubetrace_query::endpoint=localhost:16686",
                "extensions::kubetrace_query::tempo_endpoint=localhost:3200",
                "service::telemetry::metrics::address=localhost:8888",
            ],
            ListenAddresses.Of(config).Select(l => $"{l.Key}={l.Endpoint}"));
    }

    [Fact]
    public void Listen_all_opens_every_loopback_listener_and_keeps_other_hosts()
    {
        var config = ConfigOption.Load([], ["receivers::otlp::protocols::http::endpoint=10.1.2.3:4318", "extensions::kubetrace_query::tempo_endpoint=127.0.0.1:3200"]).Config!;

        ListenAddresses.OpenToAllInterfaces(config);

        Assert.Equal([":4317", "10.1.2.3:4318", ":16686", ":3200", ":8888"], ListenAddresses.Of(config).Select(l => l.Endpoint));
    }

    [Fact]
    public void The_prometheus_reader_form_of_the_metrics_endpoint_is_opened_where_it_is_written()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """
            receivers:
              otlp:
                protocols:
                  grpc:
            exporters:
              nop:
            service:
              telemetry:
                metrics:
                  readers:
                    - pull:
                        exporter:
                          prometheus:
                            host: localhost
                            port: 9999
              pipelines:
                traces:
                  receivers: [otlp]
                  exporters: [nop]
            """);
        var config = ConfigOption.Load([file], []).Config!;
        File.Delete(file);

        ListenAddresses.OpenToAllInterfaces(config);

        Assert.Equal(":9999", config.Telemetry.Metrics.EffectiveAddress);
    }

    [SkippableFact]
    public async Task A_service_started_after_listen_all_accepts_connections_on_a_non_loopback_address()
    {
        var other = Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Requires.Present(other is null ? "this machine has no non-loopback IPv4 address" : null, "CI machines have a network interface.");
        using var data = new TempDirectory();

        var (service, port) = await FreePorts.StartOnFreshAsync(1, async ports =>
        {
            var config = ConfigOption.Load([], [
                $"receivers::otlp::protocols::grpc::endpoint=localhost:{ports[0]}",
                "receivers::otlp::protocols::http::endpoint=localhost:0",
                "extensions::kubetrace_query::endpoint=localhost:0",
                "extensions::kubetrace_query::tempo_endpoint=",
                "service::telemetry::metrics::level=none",
                $"exporters::kubetrace::directory={data.Path}",
            ]).Config!;
            ListenAddresses.OpenToAllInterfaces(config);
            var started = new KubetraceService(config, NullLoggerFactory.Instance);
            await started.StartAsync(default);
            return (started, ports[0]);
        });
        await using var running = service;
        using var client = new TcpClient();
        await client.ConnectAsync(other!, port);

        Assert.True(client.Connected);
    }
}
