using Kubetrace.Components;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>Reads the <c>service</c> section: <c>extensions</c>, <c>pipelines</c> and <c>telemetry</c>.</summary>
public sealed class ServiceSectionReader(ConfigDiagnostics diagnostics, IReadOnlyDictionary<ComponentKind, IReadOnlySet<ComponentId>> defined)
{
    private static readonly string[] ServiceKeys = ["extensions", "pipelines", "telemetry"];

    public (List<ComponentId> Extensions, List<PipelineConfig> Pipelines, TelemetryConfig Telemetry) Read(YamlNode? service)
    {
        const string path = "service";
        var telemetry = new TelemetryConfig();
        if (YamlNodes.IsNull(service))
        {
            diagnostics.Error(service, path, "missing section; it lists the pipelines to run, e.g. service: { pipelines: { traces: { receivers: [otlp], exporters: [debug] } } }");
            return ([], [], telemetry);
        }
        if (service is not YamlMappingNode mapping)
        {
            diagnostics.Error(service, path, $"expected a mapping with pipelines, got {YamlNodes.Describe(service!)}");
            return ([], [], telemetry);
        }
        foreach (var (key, _) in mapping.Children)
        {
            var text = YamlNodes.KeyText(key) ?? "";
            if (!ServiceKeys.Contains(text))
                diagnostics.Error(key, KeyPath.Join(path, text), $"unknown key \"{text}\"{KeySuggestion.DidYouMean(text, ServiceKeys)}");
        }

        var extensions = ReadExtensions(mapping);
        YamlNodes.TryGetChild(mapping, "pipelines", out var pipelinesKey, out var pipelines);
        var pipelineList = new PipelineReader(diagnostics, defined)
            .Read(pipelinesKey ?? service, pipelines, KeyPath.Join(path, "pipelines"));

        if (YamlNodes.TryGetChild(mapping, "telemetry", out var telemetryKey, out var telemetryNode))
        {
            const string telemetryPath = "service::telemetry";
            var errorsBefore = diagnostics.Errors.Count;
            new ConfigBinder(diagnostics).BindObject(telemetryNode, telemetry, telemetryPath);
            if (diagnostics.Errors.Count == errorsBefore)
            {
                ValidationReporter.Report(diagnostics, telemetry, telemetryKey, telemetryNode, telemetryPath);
                ValidationReporter.ReportErrors(diagnostics, telemetry.CheckReferences(extensions), telemetry, telemetryKey, telemetryNode, telemetryPath);
            }
        }
        return (extensions, pipelineList, telemetry);
    }

    private List<ComponentId> ReadExtensions(YamlMappingNode service)
    {
        const string path = "service::extensions";
        var result = new List<ComponentId>();
        if (!YamlNodes.TryGetChild(service, "extensions", out _, out var list) || YamlNodes.IsNull(list)) return result;
        if (list is not YamlSequenceNode sequence)
        {
            diagnostics.Error(list, path, $"expected a list of extension IDs such as [health_check], got {YamlNodes.Describe(list)}");
            return result;
        }
        foreach (var item in sequence.Children)
        {
            var text = (item as YamlScalarNode)?.Value ?? "";
            if (!ComponentId.TryParse(text, out var id, out var error))
                diagnostics.Error(item, path, error!);
            else if (!defined[ComponentKind.Extension].Contains(id))
                diagnostics.Error(item, path, $"extension \"{id}\" is not defined under \"extensions\"");
            else if (!result.Contains(id))
                result.Add(id);
        }
        return result;
    }
}
