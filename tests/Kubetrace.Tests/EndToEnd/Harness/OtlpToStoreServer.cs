namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// A running kubetrace whose pipeline is otlp → <c>kubetrace</c> (the embedded store) with the
/// <c>kubetrace_query</c> extension: the built-in configuration of <c>kubetrace serve</c>, on free loopback ports
/// and a data directory of its own that outlives the process, so a test can crash or stop the server and start it
/// again on the same data.
/// </summary>
internal sealed class OtlpToStoreServer : IAsyncDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly string _exporterKeys;
    private readonly string? _dataDirectory;
    private readonly string _queryKeys;
    private readonly IReadOnlyDictionary<string, string>? _environment;
    private readonly Uri? _clickHouse;
    private readonly IReadOnlyList<(string Name, string Keys)> _processors;
    private int[] _ports = [];

    private OtlpToStoreServer(string exporterKeys, string? dataDirectory, string queryKeys, IReadOnlyDictionary<string, string>? environment,
        Uri? clickHouse, IReadOnlyList<(string Name, string Keys)>? processors)
    {
        _clickHouse = clickHouse;
        _processors = processors ?? [];
        _exporterKeys = exporterKeys;
        _dataDirectory = dataDirectory;
        _queryKeys = queryKeys;
        _environment = environment;
    }

    /// <summary>The current server process (a new one after every <see cref="RestartAsync"/>).</summary>
    public KubetraceProcess Process => _process ?? throw new InvalidOperationException("the server is not running");

    private KubetraceProcess? _process;

    /// <summary>Where the store keeps its WAL and blocks; the same for every run.</summary>
    public string DataDirectory => _dataDirectory ?? _folder.File("data");

    /// <summary>gRPC endpoint in the form OTLP clients take (<c>http://host:port</c>, h2c).</summary>
    public Uri GrpcEndpoint => new($"http://127.0.0.1:{_ports[0]}");

    /// <summary>Base URL of the Tempo query API.</summary>
    public Uri TempoUrl => new($"http://127.0.0.1:{_ports[3]}");

    /// <summary>The full OTLP/HTTP traces URL.</summary>
    public Uri HttpTracesUrl => new($"http://127.0.0.1:{_ports[1]}/v1/traces");

    /// <summary>Base URL of the native (<c>/api/v1</c>) and Jaeger query APIs.</summary>
    public Uri QueryUrl => new($"http://127.0.0.1:{_ports[2]}");

    /// <summary>The service's own metrics (Prometheus text).</summary>
    public Uri MetricsUrl => new($"http://127.0.0.1:{_ports[5]}/metrics");

    private Uri HealthUrl => new($"http://127.0.0.1:{_ports[4]}/");

    /// <param name="exporterKeys">More keys of the <c>kubetrace</c> exporter, one per line (e.g. <c>max_head_spans: 50</c>).</param>
    /// <param name="dataDirectory">The store's folder (e.g. a small tmpfs); default: one inside the server's temporary folder.</param>
    /// <param name="queryKeys">More keys of the <c>kubetrace_query</c> extension, one per line.</param>
    /// <param name="environment">More environment variables of the server process.</param>
    /// <param name="clickHouse">Store in this ClickHouse server instead (the <c>clickhouse</c> exporter, with its sending
    /// queue persisted by <c>file_storage</c> in the data directory); <paramref name="exporterKeys"/> then go to it.</param>
    /// <param name="processors">Processors of the pipeline, in order, each with its keys one per line (none by default,
    /// as in the built-in config).</param>
    public static async Task<OtlpToStoreServer> StartAsync(string exporterKeys = "", string? dataDirectory = null,
        string queryKeys = "", IReadOnlyDictionary<string, string>? environment = null, Uri? clickHouse = null,
        IReadOnlyList<(string Name, string Keys)>? processors = null)
    {
        var server = new OtlpToStoreServer(exporterKeys, dataDirectory, queryKeys, environment, clickHouse, processors);
        try
        {
            await server.StartProcessAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a new process on the same data directory (the previous one must have exited), on fresh ports: the old
    /// ones may be taken by someone else meanwhile. Returns once every pipeline is up, with no step in between: a
    /// restart after a crash must need no manual recovery.
    /// </summary>
    public async Task RestartAsync()
    {
        var previous = _process;
        _process = null;
        if (previous is not null) await previous.DisposeAsync();
        await StartProcessAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Disposing kills a process still running (a failed test) before its data directory is removed.
        if (_process is not null) await _process.DisposeAsync();
        _folder.Dispose();
    }

    private async Task StartProcessAsync()
    {
        _process = await KubetraceProcess.ServeAsync(_folder.File("config.yaml"), 6, ports =>
        {
            _ports = ports;
            return Yaml();
        }, _environment);
        await Process.WaitUntilHealthyAsync(HealthUrl);
    }

    // No batch processor, as in the built-in config: an Export is acknowledged only once the store has it durably.
    private string Yaml()
    {
        var config = new TestServiceConfig().OtlpHttp(_ports[1], grpcPort: _ports[0]);
        foreach (var (name, keys) in _processors) config.Processor(name, Unindented(keys));
        config.Exporter(ExporterId, Exporter() + "\n" + Unindented(_exporterKeys))
            .Extension("kubetrace_query", $"""
                storage: {ExporterId}
                endpoint: 127.0.0.1:{_ports[2]}
                tempo_endpoint: 127.0.0.1:{_ports[3]}
                {Unindented(_queryKeys)}
                """)
            .Extension("health_check", $"endpoint: 127.0.0.1:{_ports[4]}");
        if (_clickHouse is not null) config.Extension("file_storage", $"directory: {DataDirectory}\ncreate_directory: true\nfsync: true");
        return config.Telemetry($"metrics:\n  address: 127.0.0.1:{_ports[5]}").Yaml;
    }

    private string ExporterId => _clickHouse is null ? "kubetrace" : "clickhouse";

    private string Exporter() => _clickHouse is null
        ? $"path: {DataDirectory}"
        : $"endpoint: {_clickHouse}\ndatabase: kubetrace\nttl: 0s\n" +
          "sending_queue:\n  enabled: true\n  storage: file_storage\n  queue_size: 100000\n  sizer: items";

    /// <summary>Keys given one per line, each with its own indentation removed.</summary>
    private static string Unindented(string lines) =>
        string.Join("\n", lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim()));
}
