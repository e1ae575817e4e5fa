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

    private OtlpToFileServer(TempDirectory folder, KubetraceProcess process, int grpcPort, int httpPort)
    {
        _folder = folder;
        Process = process;
        _grpcPort = grpcPort;
        _httpPort = httpPort;
    }

    public KubetraceProcess Process { get; }

    /// <summary>gRPC endpoint in the form OTLP clients take (<c>http://host:port</c>, h2c).</summary>
    public Uri GrpcEndpoint => new($"http://127.0.0.1:{_grpcPort}");

    /// <summary>Base URL of the OTLP/HTTP receiver.</summary>
    public Uri HttpEndpoint => new($"http://127.0.0.1:{_httpPort}");

    /// <summary>The full OTLP/HTTP traces URL.</summary>
    public Uri HttpTracesUrl => new(HttpEndpoint, "/v1/traces");

    private string OutputPath => _folder.File("spans.jsonl");

    public static async Task<OtlpToFileServer> StartAsync()
    {
        var folder = new TempDirectory();
        try
        {
            var ports = FreePorts.Take(3);
            var (grpc, http, metrics) = (ports[0], ports[1], ports[2]);
            var config = folder.File("config.yaml");
            await File.WriteAllTextAsync(config, Yaml(grpc, http, metrics, folder.File("spans.jsonl")));
            var process = await KubetraceProcess.StartAsync(config, [("127.0.0.1", grpc), ("127.0.0.1", http)]);
            return new OtlpToFileServer(folder, process, grpc, http);
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

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        _folder.Dispose();
    }

    // The metrics endpoint gets a free port too: the Collector's default (8888) would collide between tests.
    private static string Yaml(int grpcPort, int httpPort, int metricsPort, string outputPath) => $"""
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 127.0.0.1:{grpcPort}
              http:
                endpoint: 127.0.0.1:{httpPort}
        exporters:
          file:
            path: {outputPath}
        service:
          telemetry:
            metrics:
              address: 127.0.0.1:{metricsPort}
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [file]
        """;
}
