namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// containerd: two plugin sections of <c>config.toml</c> (version = 2), the same in 1.6 and 1.7 —
/// <c>[plugins."io.containerd.tracing.processor.v1.otlp"]</c> (endpoint, protocol, insecure) and
/// <c>[plugins."io.containerd.internal.v1.tracing"]</c> (sampling_ratio, service_name). From 1.7.16 the standard
/// <c>OTEL_*</c> environment variables configure it too and win over the file. 1.6 samples by trace ID alone (not
/// ParentBased), so it gets the kubelet's rate: the same trace IDs then pass in both.
/// </summary>
public static class ContainerdTracing
{
    public const string OtlpPlugin = "io.containerd.tracing.processor.v1.otlp";
    public const string TracingPlugin = "io.containerd.internal.v1.tracing";
    public const string ConfigPath = "/etc/containerd/config.toml";

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
                ? $"Samples {SamplingRate.Describe(request.SamplingRatePerMillion)} it starts and follows a sampled kubelet parent (ParentBased)."
                : $"containerd 1.6 samples by trace ID alone (not ParentBased): give it the kubelet's rate ({ratio}) so that both keep the same traces.",
            "Not every build has the tracing plugins (Debian 12's containerd 1.6.20 has none): `ctr plugins ls | grep tracing` shows them.",
        };
        var environment = new List<KeyValuePair<string, string>>();
        if (parentBased)
        {
            environment.AddRange(
            [
                new("OTEL_EXPORTER_OTLP_ENDPOINT", "http://" + request.Endpoint),
                new("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
                new("OTEL_SERVICE_NAME", "containerd"),
                new("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
                new("OTEL_TRACES_SAMPLER_ARG", ratio),
            ]);
            comments.Add("From 1.7.16 these environment variables configure the same (and win over the file), e.g. in a systemd drop-in:");
            comments.AddRange(environment.Select(e => $"  Environment=\"{e.Key}={e.Value}\""));
            comments.Add("1.7.16 ignored these TOML sections (containerd#10358, fixed by #10360 in a later 1.7 patch): there, use the variables.");
        }
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
}
