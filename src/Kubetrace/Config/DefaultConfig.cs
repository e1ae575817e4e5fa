namespace Kubetrace.Config;

/// <summary>
/// What <c>kubetrace serve</c> runs without <c>--config</c>. Kept as YAML, not as objects, so that it goes through
/// the same loader, defaults and checks as a user's file and doubles as an example.
/// </summary>
public static class DefaultConfig
{
    public const string SourceName = "<built-in default config>";

    /// <remarks>
    /// No batch processor: it acknowledges a request when it is queued, before the store has it, which would break
    /// "an Export succeeds only once its spans are durable". The store's WAL already groups concurrent appends into
    /// one fsync (group commit), which is the batching that matters for a local store.
    /// </remarks>
    public const string Yaml = """
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: localhost:4317
              http:
                endpoint: localhost:4318
        exporters:
          kubetrace:
            retention: 72h
        extensions:
          kubetrace_query:
            storage: kubetrace
            endpoint: localhost:16686
            tempo_endpoint: localhost:3200
        service:
          extensions: [kubetrace_query]
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [kubetrace]
        """;
}
