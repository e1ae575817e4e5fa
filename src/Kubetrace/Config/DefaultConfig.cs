namespace Kubetrace.Config;

/// <summary>
/// What <c>kubetrace serve</c> runs without <c>--config</c>. Kept as YAML, not as objects, so that it goes through
/// the same loader, defaults and checks as a user's file and doubles as an example.
/// </summary>
public static class DefaultConfig
{
    public const string SourceName = "<built-in default config>";

    public const string Yaml = """
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: localhost:4317
              http:
                endpoint: localhost:4318
        processors:
          batch:
        exporters:
          debug:
            verbosity: basic
        service:
          pipelines:
            traces:
              receivers: [otlp]
              processors: [batch]
              exporters: [debug]
        """;
}
