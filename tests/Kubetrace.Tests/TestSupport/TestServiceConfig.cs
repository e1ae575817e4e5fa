namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// The YAML of a service a test starts: an OTLP/HTTP receiver on a given port feeding one traces pipeline into the
/// exporters, with the extensions (query API, authenticators, storage) the test needs and the metrics endpoint on
/// a free port. Each component is its id and its body, written as in a config file and indented here.
/// </summary>
internal sealed class TestServiceConfig(int otlpHttpPort)
{
    private readonly List<(string Id, string Body)> _exporters = [];
    private readonly List<(string Id, string Body)> _extensions = [];

    /// <summary>An exporter of the traces pipeline; <paramref name="body"/> is its keys, one per line, unindented.</summary>
    public TestServiceConfig Exporter(string id, string body)
    {
        _exporters.Add((id, body));
        return this;
    }

    /// <summary>An extension of the service; <paramref name="body"/> is its keys, unindented.</summary>
    public TestServiceConfig Extension(string id, string body)
    {
        _extensions.Add((id, body));
        return this;
    }

    public string Yaml => $"""
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:{otlpHttpPort}
        {Section("exporters", _exporters)}
        {Section("extensions", _extensions)}
        service:
          extensions: [{string.Join(", ", _extensions.Select(e => e.Id))}]
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [{string.Join(", ", _exporters.Select(e => e.Id))}]

        """ + ServiceTestHost.Telemetry;

    public override string ToString() => Yaml;

    /// <summary>The section's components, each body indented under its id; an empty section is left out.</summary>
    private static string Section(string name, List<(string Id, string Body)> components) =>
        components.Count == 0 ? "" : name + ":" + string.Concat(components.Select(c =>
            $"\n  {c.Id}:" + string.Concat(c.Body.Split('\n').Where(line => line.Trim().Length > 0).Select(line => "\n    " + line.TrimEnd()))));
}
