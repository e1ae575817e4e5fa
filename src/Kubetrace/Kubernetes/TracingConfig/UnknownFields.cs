using Kubetrace.Config;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>Reports every key a <see cref="FieldSchema"/> does not know, with the closest known one as a suggestion.</summary>
public static class UnknownFields
{
    public static void Check(YamlMappingNode mapping, FieldSchema schema, string path, ConfigDiagnostics diagnostics)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = YamlNodes.KeyText(keyNode) ?? "";
            var keyPath = KeyPath.Join(path, key);
            if (!schema.Fields.TryGetValue(key, out var nested))
            {
                // Field names are case-sensitive in Kubernetes: "SamplingRatePerMillion" is ignored like any unknown key.
                diagnostics.Error(keyNode, keyPath, $"unknown field \"{key}\"{KeySuggestion.DidYouMean(key, schema.Names)}");
                continue;
            }
            if (nested is not null && value is YamlMappingNode child) Check(child, nested, keyPath, diagnostics);
        }
    }
}
