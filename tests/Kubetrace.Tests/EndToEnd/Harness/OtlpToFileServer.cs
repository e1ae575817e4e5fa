namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// A running kubetrace whose only pipeline is otlp (gRPC + HTTP on free loopback ports) → file, the setup in
/// which "what comes out equals what went in" can be checked field by field.
/// </summary>
internal sealed class OtlpToFileServer : IAsyncDisposable
{
    private readonly TempDirectory _folder;
    private readonly int _grpcPort;
    private readonly int _httpPort;
    private readonly int _metricsPort;
    private readonly int _healthPort;

    private OtlpToFileServer(TempDirectory folder, KubetraceProcess process, int[] ports)
    {
        _folder = folder;
        Process = process;
        (_grpcPort, _httpPort, _metricsPort, _healthPort) = (ports[0], ports[1], ports[2], ports[3]);
    }

    public KubetraceProcess Process { get; }

    /// <summary>gRPC endpoint in the form OTLP clients take (<c>http://host:port</c>, h2c).</summary>
    public Uri GrpcEndpoint => new($"http://127.0.0.1:{_grpcPort}");

    /// <summary>Base URL of the OTLP/HTTP receiver.</summary>
    public Uri HttpEndpoint => new($"http://127.0.0.1:{_httpPort}");

    /// <summary>The full OTLP/HTTP traces URL.</summary>
    public Uri HttpTracesUrl => new(HttpEndpoint, "/v1/traces");

    /// <summary>The service's own metrics (Prometheus text).</summary>
    public Uri MetricsUrl => new($"http://127.0.0.1:{_metricsPort}/metrics");

    /// <summary>The health_check extension.</summary>
    public Uri HealthUrl => new($"http://127.0.0.1:{_healthPort}/");

    private string OutputPath => _folder.File("spans.jsonl");

    /// <param name="processors">
    /// Processors for the pipeline, in order: component ID and settings as a YAML flow map
    /// (<c>("batch", "{ timeout: 1h }")</c>).
    /// </param>
    public static async Task<OtlpToFileServer> StartAsync(params (string Id, string Settings)[] processors)
    {
        var folder = new TempDirectory();
        try
        {
            var process = await KubetraceProcess.ServeAsync(folder.File("config.yaml"), 4, ports => Yaml(ports, folder.File("spans.jsonl"), processors));
            var server = new OtlpToFileServer(folder, process, process.Ports);
            await server.Process.WaitUntilHealthyAsync(server.HealthUrl);
            return server;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops the server with SIGTERM (asserting a clean exit; shutdown must flush the exporter) and reads what the
    /// file exporter wrote.
    /// </summary>
    public async Task<FileExporterOutput> StopAndReadOutputAsync()
    {
        await Process.StopCleanlyAsync();
        return FileExporterOutput.Read(OutputPath);
    }

    /// <summary>What the file exporter has written so far, while the server runs.</summary>
    public FileExporterOutput ReadOutputSoFar() => FileExporterOutput.Read(OutputPath);

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        _folder.Dispose();
    }

    // Every endpoint gets a free port: the Collector's defaults (8888, 13133) would collide between tests.
    private static string Yaml(int[] ports, string outputPath, (string Id, string Settings)[] processors)
    {
        var config = new TestServiceConfig().OtlpHttp(ports[1], grpcPort: ports[0]);
        foreach (var (id, settings) in processors) config.Processor(id, settings);
        return config
            .Exporter("file", $"path: {outputPath}")
            .Extension("health_check", $"endpoint: 127.0.0.1:{ports[3]}")
            .Telemetry($"metrics:\n  address: 127.0.0.1:{ports[2]}")
            .Yaml;
    }
}
