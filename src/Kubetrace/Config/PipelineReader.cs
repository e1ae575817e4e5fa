using Kubetrace.Components;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>
/// Reads <c>service.pipelines</c>: pipeline IDs (<c>traces</c>, <c>traces/name</c>; other signals are refused
/// clearly), and for each its receivers, processors and exporters, which must all be defined in their sections.
/// </summary>
public sealed class PipelineReader(ConfigDiagnostics diagnostics, IReadOnlyDictionary<ComponentKind, IReadOnlySet<ComponentId>> defined)
{
    private static readonly string[] PipelineKeys = ["receivers", "processors", "exporters"];

    public List<PipelineConfig> Read(YamlNode? pipelinesKey, YamlNode? pipelines, string path)
    {
        var result = new List<PipelineConfig>();
        if (YamlNodes.IsNull(pipelines) || pipelines is YamlMappingNode { Children.Count: 0 })
        {
            diagnostics.Error(pipelinesKey, path, "at least one traces pipeline is required");
            return result;
        }
        if (pipelines is not YamlMappingNode mapping)
        {
            diagnostics.Error(pipelines, path, $"expected a mapping of pipeline IDs, got {YamlNodes.Describe(pipelines!)}");
            return result;
        }
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var idText = YamlNodes.KeyText(keyNode) ?? "";
            var pipelinePath = KeyPath.Join(path, idText);
            if (!ComponentId.TryParse(idText, out var id, out var idError))
            {
                diagnostics.Error(keyNode, pipelinePath, idError!.Replace("component", "pipeline"));
                continue;
            }
            if (id.Type is "metrics" or "logs" or "profiles")
            {
                diagnostics.Error(keyNode, pipelinePath, $"{id.Type} pipelines are not supported by Kubetrace (traces only)");
                continue;
            }
            if (id.Type != "traces")
            {
                diagnostics.Error(keyNode, pipelinePath, $"unknown signal \"{id.Type}\" (Kubetrace pipelines are \"traces\" or \"traces/<name>\")");
                continue;
            }
            if (ReadPipeline(id.ToString(), keyNode, valueNode, pipelinePath) is { } pipeline) result.Add(pipeline);
        }
        return result;
    }

    private PipelineConfig? ReadPipeline(string id, YamlNode keyNode, YamlNode body, string path)
    {
        if (body is not YamlMappingNode mapping)
        {
            diagnostics.Error(YamlNodes.IsNull(body) ? keyNode : body, path, "expected a mapping with receivers, processors and exporters");
            return null;
        }
        foreach (var (key, _) in mapping.Children)
        {
            var text = YamlNodes.KeyText(key) ?? "";
            if (!PipelineKeys.Contains(text))
                diagnostics.Error(key, KeyPath.Join(path, text), $"unknown key \"{text}\"{KeySuggestion.DidYouMean(text, PipelineKeys)}");
        }
        var receivers = ReadReferences(mapping, keyNode, path, ComponentKind.Receiver, required: true);
        var processors = ReadReferences(mapping, keyNode, path, ComponentKind.Processor, required: false);
        var exporters = ReadReferences(mapping, keyNode, path, ComponentKind.Exporter, required: true);
        return new PipelineConfig(id, receivers, processors, exporters);
    }

    private List<ComponentId> ReadReferences(YamlMappingNode pipeline, YamlNode pipelineKey, string path, ComponentKind kind, bool required)
    {
        var kindName = ComponentSectionReader.KindName(kind);
        var section = kindName + "s";
        var listPath = KeyPath.Join(path, section);
        var result = new List<ComponentId>();
        if (!YamlNodes.TryGetChild(pipeline, section, out _, out var list) || YamlNodes.IsNull(list)
            || list is YamlSequenceNode { Children.Count: 0 })
        {
            if (required) diagnostics.Error(list ?? pipelineKey, listPath, $"a pipeline needs at least one {kindName}");
            return result;
        }
        if (list is not YamlSequenceNode sequence)
        {
            diagnostics.Error(list, listPath, $"expected a list of {kindName} IDs such as [{(kind == ComponentKind.Receiver ? "otlp" : "debug")}], got {YamlNodes.Describe(list)}");
            return result;
        }
        foreach (var item in sequence.Children)
        {
            var text = (item as YamlScalarNode)?.Value ?? "";
            if (!ComponentId.TryParse(text, out var id, out var error))
                diagnostics.Error(item, listPath, error!);
            else if (!defined[kind].Contains(id))
                diagnostics.Error(item, listPath, $"{kindName} \"{id}\" is not defined under \"{section}\"");
            else if (result.Contains(id))
                diagnostics.Error(item, listPath, $"{kindName} \"{id}\" is listed twice");
            else
                result.Add(id);
        }
        return result;
    }
}
