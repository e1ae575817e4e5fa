using System.Net;
using Kubetrace.Tests.EndToEnd.Harness;
using OpenTelemetry.Exporter;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// The collector config of the seed document, unchanged (so on the Collector's default ports), run with
/// <c>kubetrace serve --config</c>: every span a real client sends is printed in detail.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SeedConfigTests
{
    // Exactly as written in the seed document: the deprecated `logging` exporter with its `logLevel` key.
    private const string SeedYaml = """
        receivers:
          otlp:
            protocols:
              grpc:
        exporters:
          logging:
            logLevel: debug
        service:
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [logging]
        """;

    private const int CollectorGrpcPort = 4317;
    private const int CollectorMetricsPort = 8888;

    [Fact]
    public async Task Validate_accepts_the_seed_config_and_warns_at_the_deprecated_exporter()
    {
        using var folder = new TempDirectory();
        var config = folder.File("seed.yaml");
        await File.WriteAllTextAsync(config, SeedYaml);
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await Kubetrace.Cli.KubetraceCommand.RunAsync(["validate", config],
            new System.CommandLine.InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(0, code);
        Assert.Equal("config is valid", output.ToString().Trim());
        Assert.Equal($"warning: {config}:6:3: exporters::logging: the logging exporter is deprecated (as in the Collector): use debug; "
            + "loglevel maps to verbosity", error.ToString().Trim());
    }

    [Fact]
    public async Task The_seed_config_runs_unchanged_and_prints_every_span_a_dotnet_client_sent()
    {
        using var folder = new TempDirectory();
        var config = folder.File("seed.yaml");
        await File.WriteAllTextAsync(config, SeedYaml);
        using var defaultPorts = await MachineWideLock.AcquireAsync("collector-default-ports", PortsTimeout);
        await using var server = await StartOnDefaultPortsAsync(config);

        var sent = DotnetSdkClient.SendNestedTrace(OtlpExportProtocol.Grpc, new Uri($"http://localhost:{CollectorGrpcPort}"));
        var allPrinted = await server.WaitForStdoutAsync(
            stdout => sent.Spans.All(s => stdout.Contains(s.Name, StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        await server.StopCleanlyAsync();

        Assert.True(allPrinted, $"not every span name reached stdout.\n{server.Describe()}");
        var stdout = server.Stdout;
        foreach (var span in sent.Spans)
        {
            Assert.Contains(span.Name, stdout);
            Assert.Contains(OtlpValues.Hex(span.SpanId), stdout, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains(OtlpValues.Hex(sent.Spans[0].TraceId), stdout, StringComparison.OrdinalIgnoreCase);
        // "In detail": attributes with their values, of several types.
        Assert.Contains("etcd.key", stdout);
        Assert.Contains("/registry/pods/default/nginx-7f8d", stdout);
        Assert.Contains("etcd.revision", stdout);
        Assert.Contains("123456789012", stdout);
        Assert.Contains("apiserver.cache.hit", stdout);
        Assert.Contains("etcdserver: leader changed", stdout);
        // `logging` is the Collector's deprecated name for `debug`: accepted, with a warning.
        Assert.Contains("deprecated", server.Stdout + server.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The seed config cannot be given other ports. Test runs of other clones on this machine take turns through a
    /// machine-wide lock; anything else holding a port (a developer's collector) is waited for, and when it takes
    /// a port between the check and the bind, the server (which then exits, see <see cref="KubetraceProcess"/>)
    /// is started again. Past the timeout, the failure names the port.
    /// </summary>
    private static async Task<KubetraceProcess> StartOnDefaultPortsAsync(string config)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            await WaitUntilFreeAsync(CollectorGrpcPort);
            await WaitUntilFreeAsync(CollectorMetricsPort);
            try
            {
                return await KubetraceProcess.StartAsync(config, [("127.0.0.1", CollectorGrpcPort)]);
            }
            catch (InvalidOperationException e) when (FreePorts.IsBindRace(e) && System.Diagnostics.Stopwatch.GetElapsedTime(started) < PortsTimeout)
            {
                // A port taken between the check and the bind: wait for both again.
            }
        }
    }

    private static readonly TimeSpan PortsTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Waits until nothing listens on <paramref name="port"/> of either loopback address (the config says localhost).</summary>
    private static async Task WaitUntilFreeAsync(int port)
    {
        if (!await Wait.HoldsWithinAsync(() => !FreePorts.IsHeld(port, IPAddress.Loopback) && !FreePorts.IsHeld(port, IPAddress.IPv6Loopback), PortsTimeout))
            Assert.Fail($"port {port} stayed in use for {PortsTimeout.TotalSeconds} s; the seed config uses the Collector's default ports");
    }
}
