using Kubetrace.Config;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// The YAML of a service config that a test starts (in process or as <c>kubetrace serve</c>) or only loads, section by
/// section as in a config file: top-level keys, receivers, processors, exporters, extensions, then the service's
/// extensions (all of them), pipelines and telemetry. Each component is its id and its body, written unindented as in
/// a config file and indented here (or a flow map such as <c>{ timeout: 1h }</c>, kept on the id's line). Without <see cref="Pipeline"/>, one <c>traces</c> pipeline runs every receiver
/// through every processor into every exporter, in the order they were added. The telemetry is the metrics endpoint on
/// a free port (never the fixed 8888) unless <see cref="Telemetry"/> says otherwise.
/// </summary>
/// <remarks>
/// The layout is fixed (a section's keys follow each other, a section without components is left out), so a test of
/// a config error can name the line and column of a key: lines count from the first top-level key.
/// </remarks>
internal sealed class TestServiceConfig
{
    private readonly List<string> _topLevel = [];
    private readonly List<(string Id, string Body)> _receivers = [];
    private readonly List<(string Id, string Body)> _processors = [];
    private readonly List<(string Id, string Body)> _exporters = [];
    private readonly List<(string Id, string Body)> _extensions = [];
    private readonly List<(string Name, string[] Receivers, string[] Processors, string[] Exporters)> _pipelines = [];
    private string _telemetry = "metrics:\n  address: 127.0.0.1:0";

    /// <summary>A config with no components yet.</summary>
    public TestServiceConfig()
    {
    }

    /// <summary>A config whose <c>otlp</c> receiver takes OTLP/HTTP on <paramref name="otlpHttpPort"/> (<see cref="OtlpHttp"/>).</summary>
    public TestServiceConfig(int otlpHttpPort) => OtlpHttp(otlpHttpPort);

    /// <summary>Keys at the top level, before <c>receivers</c> (e.g. <c>multitenancy_enabled: true</c>).</summary>
    public TestServiceConfig TopLevel(string keys)
    {
        if (keys.Length > 0) _topLevel.Add(keys);
        return this;
    }

    /// <summary>
    /// The <c>otlp</c> receiver with OTLP/HTTP on 127.0.0.1:<paramref name="port"/>, and OTLP/gRPC on
    /// <paramref name="grpcPort"/> when given; without a port, HTTP on its default endpoint (for a config that is only loaded).
    /// </summary>
    public TestServiceConfig OtlpHttp(int? port = null, int? grpcPort = null) => Receiver("otlp",
        "protocols:\n" +
        (grpcPort is null ? "" : $"  grpc:\n    endpoint: 127.0.0.1:{grpcPort}\n") +
        (port is null ? "  http:" : $"  http:\n    endpoint: 127.0.0.1:{port}"));

    /// <summary>A receiver; <paramref name="body"/> is its keys, one per line, unindented (empty: its defaults).</summary>
    public TestServiceConfig Receiver(string id, string body = "") => Add(_receivers, id, body);

    /// <summary>A processor; <paramref name="body"/> is its keys, unindented.</summary>
    public TestServiceConfig Processor(string id, string body = "") => Add(_processors, id, body);

    /// <summary>An exporter; <paramref name="body"/> is its keys, unindented.</summary>
    public TestServiceConfig Exporter(string id, string body = "") => Add(_exporters, id, body);

    /// <summary>An extension of the service; <paramref name="body"/> is its keys, unindented.</summary>
    public TestServiceConfig Extension(string id, string body = "") => Add(_extensions, id, body);

    /// <summary>A pipeline of its own (once one is named, no default pipeline is written).</summary>
    public TestServiceConfig Pipeline(string name, string[] receivers, string[] exporters, string[]? processors = null)
    {
        _pipelines.Add((name, receivers, processors ?? [], exporters));
        return this;
    }

    /// <summary>The service's telemetry section instead of the default (metrics on a free port); its keys, unindented.</summary>
    public TestServiceConfig Telemetry(string body)
    {
        _telemetry = body;
        return this;
    }

    /// <summary>No metrics endpoint at all (<c>level: none</c>).</summary>
    public TestServiceConfig MetricsOff() => Telemetry("metrics:\n  level: none");

    public string Yaml
    {
        get
        {
            var yaml = new List<string>(_topLevel);
            Section(yaml, "receivers", _receivers);
            Section(yaml, "processors", _processors);
            Section(yaml, "exporters", _exporters);
            Section(yaml, "extensions", _extensions);
            yaml.Add("service:");
            if (_extensions.Count > 0) yaml.Add($"  extensions: {List(_extensions.Select(e => e.Id))}");
            yaml.Add("  pipelines:");
            var pipelines = _pipelines.Count > 0 ? _pipelines
                : [("traces", [.. _receivers.Select(r => r.Id)], [.. _processors.Select(p => p.Id)], [.. _exporters.Select(e => e.Id)])];
            foreach (var (name, receivers, processors, exporters) in pipelines)
            {
                yaml.Add($"    {name}:");
                yaml.Add($"      receivers: {List(receivers)}");
                if (processors.Length > 0) yaml.Add($"      processors: {List(processors)}");
                yaml.Add($"      exporters: {List(exporters)}");
            }
            yaml.Add("  telemetry:");
            yaml.AddRange(Lines(_telemetry, "    "));
            return string.Join("\n", yaml) + "\n";
        }
    }

    /// <summary>The YAML loaded as <c>kubetrace</c> loads a config file named <paramref name="fileName"/>, errors and all.</summary>
    public ConfigLoadResult Load(ComponentCatalog? catalog = null, string fileName = "config.yaml") =>
        new ConfigLoader(catalog ?? ComponentCatalog.Default, _ => null).Load(Yaml, fileName);

    /// <summary>Writes the YAML to <paramref name="path"/> (a config file for <c>kubetrace serve</c>) and returns the path.</summary>
    public async Task<string> WriteToAsync(string path)
    {
        await File.WriteAllTextAsync(path, Yaml);
        return path;
    }

    public override string ToString() => Yaml;

    /// <summary><paramref name="body"/> under <paramref name="key"/>, indented one level: a nested block of a component's body.</summary>
    public static string Nested(string key, string body) => string.Join("\n", [$"{key}:", .. Lines(body, "  ")]);

    private TestServiceConfig Add(List<(string Id, string Body)> section, string id, string body)
    {
        section.Add((id, body));
        return this;
    }

    /// <summary>The section's components, each body indented under its id; a section without components is left out.</summary>
    private static void Section(List<string> yaml, string name, List<(string Id, string Body)> components)
    {
        if (components.Count == 0) return;
        yaml.Add(name + ":");
        foreach (var (id, body) in components)
        {
            if (body.TrimStart().StartsWith('{'))
            {
                yaml.Add($"  {id}: {body.Trim()}"); // a flow map, as in ("batch", "{ timeout: 1h }")
                continue;
            }
            yaml.Add($"  {id}:");
            yaml.AddRange(Lines(body, "    "));
        }
    }

    /// <summary>The non-blank lines of <paramref name="text"/>, each behind <paramref name="indent"/>.</summary>
    private static IEnumerable<string> Lines(string text, string indent) =>
        text.ReplaceLineEndings("\n").Split('\n').Where(line => line.Trim().Length > 0).Select(line => indent + line.TrimEnd());

    private static string List(IEnumerable<string> ids) => $"[{string.Join(", ", ids)}]";
}
