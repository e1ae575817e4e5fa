namespace Kubetrace.Bench;

/// <summary>The wire protocols the generator speaks.</summary>
public enum BenchProtocol
{
    Grpc,
    Http,
}

/// <summary>Everything that defines a load-generator run; the CLI fills it, tests build it directly.</summary>
internal sealed record BenchOptions
{
    /// <summary>Base URL of the OTLP endpoint. For HTTP, a URL without a path gets <c>/v1/traces</c> appended.</summary>
    public Uri Endpoint { get; init; } = new("http://127.0.0.1:4317");

    public BenchProtocol Protocol { get; init; } = BenchProtocol.Grpc;

    /// <summary>Separate connections (a GrpcChannel, or an HttpClient with its own socket pool, each).</summary>
    public int Connections { get; init; } = 4;

    /// <summary>Requests in flight at once on each connection.</summary>
    public int Concurrency { get; init; } = 2;

    public int SpansPerRequest { get; init; } = 500;

    public int AttributesPerSpan { get; init; } = 15;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Load before the measured window, so JIT, connection set-up and server start-up are not measured.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Target spans per second over all connections; null sends as fast as the server answers.</summary>
    public double? SpansPerSecond { get; init; }

    public bool Gzip { get; init; }

    /// <summary>A process whose CPU time and resident memory to measure over the window (the server under test).</summary>
    public int? ServerPid { get; init; }

    /// <summary>How many different requests to encode before the run (each send also gets fresh IDs).</summary>
    public int DistinctRequests { get; init; } = 16;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Seed of the span mix; the same seed encodes the same requests (IDs still differ per run).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>PEM file of the CA that signed an https endpoint's certificate (a private CA); null: the system's.</summary>
    public string? CaFile { get; init; }

    /// <summary>PEM client certificate and key for a receiver that requires mTLS (<c>client_ca_file</c>); null: none.</summary>
    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> on every request (a receiver with <c>bearertokenauth</c>); null: none.</summary>
    public string? BearerToken { get; init; }

    public int Workers => Connections * Concurrency;

    /// <summary>The handler of one connection: trusting <see cref="CaFile"/> when given, otherwise the system's CAs.</summary>
    public SocketsHttpHandler CreateHandler() => CaFile is null && CertFile is null ? new SocketsHttpHandler()
        : Exporters.Otlp.ClientHandlerFactory.Create(new Exporters.Otlp.ClientTlsConfig { CaFile = CaFile, CertFile = CertFile, KeyFile = KeyFile });

    /// <summary>The URL requests go to: the endpoint for gRPC, the traces URL for HTTP.</summary>
    public Uri TargetUri => Protocol == BenchProtocol.Http && Endpoint.AbsolutePath is "" or "/"
        ? new Uri(Endpoint, "/v1/traces")
        : Endpoint;

    public IEnumerable<string> Validate()
    {
        if (Connections is < 1 or > 256) yield return "--connections must be between 1 and 256";
        if (Concurrency is < 1 or > 256) yield return "--concurrency must be between 1 and 256";
        if (SpansPerRequest is < 1 or > 100_000) yield return "--spans-per-request must be between 1 and 100000";
        if (AttributesPerSpan is < 0 or > 128) yield return "--attributes must be between 0 and 128";
        if (Duration <= TimeSpan.Zero) yield return "--duration must be positive";
        if (Warmup < TimeSpan.Zero) yield return "--warmup must not be negative";
        if (SpansPerSecond is <= 0) yield return "--rate must be positive";
        if (DistinctRequests < 1) yield return "--distinct-requests must be at least 1";
        if (Endpoint.Scheme is not ("http" or "https")) yield return $"--endpoint must be an http:// or https:// URL, not {Endpoint}";
        if (CaFile is not null && !File.Exists(CaFile)) yield return $"--ca-file {CaFile}: no such file";
        if ((CertFile is null) != (KeyFile is null)) yield return "--cert-file and --key-file go together";
        if (BearerToken is { Length: 0 }) yield return "--token-file holds no token";
        if (ServerPid is { } pid && !Directory.Exists($"/proc/{pid}")) yield return $"--server-pid {pid}: no such process";
    }
}
