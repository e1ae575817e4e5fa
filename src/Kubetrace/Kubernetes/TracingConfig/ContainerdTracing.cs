namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// containerd: two plugin sections of <c>config.toml</c> (version = 2), the same in 1.6 and 1.7 —
/// <c>[plugins."io.containerd.tracing.processor.v1.otlp"]</c> (endpoint, protocol, insecure) and
/// <c>[plugins."io.containerd.internal.v1.tracing"]</c> (sampling_ratio, service_name). How they are read changes
/// within the minors (<see cref="Catalog.ContainerdCatalog"/>): 1.6.0–1.6.31 sample by trace ID alone (not
/// ParentBased), so they get the kubelet's rate and the same trace IDs pass in both; 1.6.32+ and 1.7.16–1.7.18 read
/// only the <c>OTEL_*</c> environment (the file is ignored); 1.7.0–1.7.15 are ParentBased; 1.7.19+ turn the file into
/// the environment, <c>sampling_ratio</c> into a plain <c>traceidratio</c> sampler. The environment wins over the file.
/// </summary>
public static class ContainerdTracing
{
    public const string OtlpPlugin = "io.containerd.tracing.processor.v1.otlp";
    public const string TracingPlugin = "io.containerd.internal.v1.tracing";
    public const string ConfigPath = "/etc/containerd/config.toml";

    /// <summary>Where <see cref="SystemdDropIn"/> goes on a node.</summary>
    public const string DropInPath = "/etc/systemd/system/containerd.service.d/kubetrace-tracing.conf";

    public static readonly ComponentVersion DefaultVersion = new(1, 7);
    private static readonly ComponentVersion FirstWithTracing = new(1, 6);
    private static readonly ComponentVersion FirstParentBased = new(1, 7);

    public static GenerationResult Generate(TracingConfigRequest request)
    {
        var version = request.ContainerdVersion ?? DefaultVersion;
        if (version.CompareTo(FirstWithTracing) < 0)
            return GenerationResult.Fail($"containerd {version} cannot emit traces: OpenTelemetry tracing arrived in containerd {FirstWithTracing}");
        if (version.Major >= 2)
            return GenerationResult.Fail($"containerd {version} is configured with OTEL_* environment variables only; this command generates config.toml for 1.6 and 1.7");
        if (version.CompareTo(DefaultVersion) > 0)
            return GenerationResult.Fail($"containerd {version} is not a release this kubetrace knows (1.6, 1.7)");

        var ratio = SamplingRate.RatioText(request.SamplingRatePerMillion);
        var parentBased = version.CompareTo(FirstParentBased) >= 0;
        var comments = new List<string>
        {
            $"containerd {version} tracing: merge into {ConfigPath} (a version = 2 file) and restart containerd.",
            "OTLP over gRPC without TLS, like the Kubernetes components; containerd's own default is http/protobuf.",
            parentBased
                ? $"1.7.0–1.7.15 sample {SamplingRate.Describe(request.SamplingRatePerMillion)} they start and follow a sampled kubelet parent (ParentBased); " +
                  "1.7.19+ turn sampling_ratio into a plain traceidratio sampler (the kubelet's rate keeps the same trace IDs in both)."
                : $"containerd 1.6.0–1.6.31 sample by trace ID alone (not ParentBased): give it the kubelet's rate ({ratio}) so that both keep the same traces.",
            "Not every build has the tracing plugins (Debian 12's containerd 1.6.20 has none): `ctr plugins ls | grep tracing` shows them.",
        };
        List<KeyValuePair<string, string>> environment =
        [
            new("OTEL_EXPORTER_OTLP_ENDPOINT", "http://" + request.Endpoint),
            new("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            new("OTEL_SERVICE_NAME", "containerd"),
            new("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            new("OTEL_TRACES_SAMPLER_ARG", ratio),
        ];
        comments.Add(parentBased
            ? "From 1.7.16 these environment variables configure the same (and win over the file), e.g. in a systemd drop-in:"
            : "1.6.32+ read only these environment variables (the file's sections are ignored and tracing stays off without them), e.g. in a systemd drop-in:");
        comments.AddRange(environment.Select(e => $"  Environment=\"{e.Key}={e.Value}\""));
        if (parentBased)
            comments.Add("From 1.7.16 use the variables: 1.7.16–1.7.18 ignore these TOML sections (the plugin reads the environment only), and 1.7.19+ " +
                         "copy endpoint into OTEL_EXPORTER_OTLP_ENDPOINT as written, where host:port is no URL and the SDK sends to localhost:4317.");
        var body = $"""
            version = 2

            [plugins."{OtlpPlugin}"]
              endpoint = "{request.Endpoint}"
              protocol = "grpc"
              insecure = true

            [plugins."{TracingPlugin}"]
              sampling_ratio = {ratio}
              service_name = "containerd"

            """;
        return GenerationResult.Ok(new GeneratedConfig(TracedComponent.Containerd, "toml", comments, body, [], environment));
    }

    /// <summary>
    /// <paramref name="containerd"/>'s environment as a systemd drop-in for containerd.service, the one form every
    /// release from 1.7.16 reads: 2.x and 1.7.16–1.7.18 take the exporter from the environment only, and 1.7.19+
    /// copy the TOML's endpoint into OTEL_EXPORTER_OTLP_ENDPOINT as written (v1.7.20 tracing/plugin/otlp.go:150),
    /// where host:port is no URL to the SDK's url.Parse and the exporter falls back to localhost:4317. A variable that
    /// is set wins over the file; 1.7.0–1.7.15 ignore the variables and read the TOML, whose gRPC endpoint is host:port.
    /// </summary>
    public static string SystemdDropIn(GeneratedConfig containerd)
    {
        var writer = new StringWriter { NewLine = "\n" };
        writer.WriteLine("# containerd tracing through the OpenTelemetry environment: 2.x, 1.7.16+ and 1.6.32+ read it (and prefer it");
        writer.WriteLine("# to config.toml); 1.7.0-1.7.15 read containerd-tracing.toml instead. On every node:");
        writer.WriteLine($"#   copy to {DropInPath}, then systemctl daemon-reload && systemctl restart containerd");
        writer.WriteLine("[Service]");
        foreach (var (name, value) in containerd.Environment) writer.WriteLine($"Environment=\"{name}={value}\"");
        return writer.ToString();
    }
}
