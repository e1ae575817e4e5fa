namespace Kubetrace.Kubernetes.Deploy;

/// <summary>
/// The Collector-format configurations the ConfigMaps carry. Every listener is on all interfaces (<c>":port"</c>):
/// the pod's network namespace is the boundary, and <c>kubectl port-forward</c>, which arrives on loopback, still
/// reaches the query port. The NetworkPolicy decides who may connect.
/// </summary>
public static class CollectorConfigs
{
    public const string DataPath = "/var/lib/kubetrace";
    public const string ConfigPath = "/etc/kubetrace";
    public const string ConfigFile = "config.yaml";

    /// <summary>
    /// What agent and store receive with, and the memory limiter both put first. <paramref name="security"/> is the
    /// listeners' <c>tls:</c> and <c>auth:</c> (the gateway of the agent topology), or empty.
    /// </summary>
    private static string ReceiverAndLimiter(string security) => $"""
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: ":{Ports.OtlpGrpc}"{Text.Indent(security, 8)}
              http:
                endpoint: ":{Ports.OtlpHttp}"{Text.Indent(security, 8)}
        processors:
          memory_limiter:
            check_interval: 1s
            limit_percentage: 80
            spike_limit_percentage: 20
        """;

    /// <summary>
    /// Receives on the node and forwards to the gateway through a persistent queue (file_storage on the agent's data
    /// volume): an Export is answered once its spans are in the queue on disk, so a gateway outage or an agent restart
    /// loses nothing acknowledged. No <c>batch</c> processor: it answers as soon as spans are in its memory, and a
    /// SIGKILLed agent lost the last second of acknowledged spans (AgentGatewayPathTests). The senders batch already
    /// (the SDKs' batch span processors). The queue is bounded in spans, not requests: unbatched requests vary from one
    /// span to hundreds, and new entries are held in memory too until sent.
    /// </summary>
    public static string Agent(InstallRequest request) => $"""
        {ReceiverAndLimiter("")}
        exporters:
          otlp:
            endpoint: {ManifestNames.Gateway}.{request.Namespace}.svc:{Ports.OtlpGrpc}
            {Text.Indent(ListenerSecurity.AgentExporter(request), 4)}
            sending_queue:
              queue_size: 100000
              sizer: items
              storage: file_storage
            retry_on_failure:
              max_elapsed_time: 0s
        extensions:
          health_check:
            endpoint: ":{Ports.Health}"
          file_storage:
            directory: {DataPath}/queue
            create_directory: true{Text.Indent(ListenerSecurity.AgentExtensions(request), 2)}
        service:
          extensions: [{ExtensionList(["health_check", "file_storage"], ListenerSecurity.AgentExtensionIds(request))}]
          telemetry:
            metrics:
              address: ":{Ports.Metrics}"
          pipelines:
            traces:
              receivers: [otlp]
              processors: [memory_limiter]
              exporters: [otlp]

        """;

    /// <summary>Receives, stores durably (an Export is answered once the WAL has it) and serves queries.</summary>
    public static string Store(InstallRequest request) => $"""
        {ReceiverAndLimiter(ListenerSecurity.GatewayReceiver(request))}
        exporters:
          kubetrace:
            directory: {DataPath}
            retention: {request.Retention}
            max_disk_size: {Quantity.NinetyPercentAsByteSize(request.StorageSize)}
        extensions:
          health_check:
            endpoint: ":{Ports.Health}"
          kubetrace_query:
            storage: kubetrace
            endpoint: ":{Ports.Query}"
            tempo_endpoint: ":{Ports.Tempo}"
            # Reached by Service names, port-forwards and an ingress's host: the Host check guards a browser on a
            # workstation against DNS rebinding, not a cluster Service. Narrow it to your ingress host if you expose one.
            allowed_hosts: ["*"]{Text.Indent(ListenerSecurity.Query(request), 4)}{Text.Indent(ListenerSecurity.StoreExtensions(request), 2)}
        service:
          extensions: [{ExtensionList(["health_check", "kubetrace_query"], ListenerSecurity.StoreExtensionIds(request))}]
          telemetry:
            metrics:
              address: ":{Ports.Metrics}"
          pipelines:
            traces:
              receivers: [otlp]
              processors: [memory_limiter]
              exporters: [kubetrace]

        """;

    private static string ExtensionList(IEnumerable<string> always, IEnumerable<string> more) => string.Join(", ", always.Concat(more));
}
