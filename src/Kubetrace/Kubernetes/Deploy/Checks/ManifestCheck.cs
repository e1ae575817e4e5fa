using Kubetrace.Config;
using Kubetrace.Kubernetes.TracingConfig;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Kubernetes.Deploy.Checks;

/// <summary>
/// <c>kubetrace validate</c> for a file of Kubernetes objects (what <c>k8s install</c> and the Helm chart write):
/// every object reads strictly into the Kubernetes object model, every pod template passes Pod Security
/// <c>restricted</c>, and every ConfigMap, Secret, claim, account and port named is in the same file.
/// </summary>
public static class ManifestCheck
{
    /// <summary>True when a parsed document is an object of the Kubernetes API (Deployment, ConfigMap, ...).</summary>
    public static bool IsManifest(YamlNode document) =>
        document is YamlMappingNode root && TypeOf(root) is var (apiVersion, kind) && ManifestModels.IsKnown(apiVersion, kind);

    public static ComponentConfigValidation Validate(string text, string source)
    {
        var diagnostics = new ConfigDiagnostics(source);
        var roots = YamlDocumentReader.ReadDocuments(text, source, diagnostics)?.Where(d => !Config.YamlNodes.IsNull(d)).ToList() ?? [];
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var documents = new List<ManifestDocument>();
        for (var i = 0; i < roots.Count; i++)
        {
            if (roots[i] is not YamlMappingNode root || TypeOf(root) is not var (apiVersion, kind))
            {
                diagnostics.Error(roots[i], "", "expected a Kubernetes object with apiVersion and kind");
                continue;
            }
            var first = (int)root.Start.Line;
            var last = i + 1 < roots.Count ? (int)roots[i + 1].Start.Line - 1 : lines.Length;
            var slice = string.Join("\n", lines[(first - 1)..last].Where(l => l.TrimEnd() != "---"));
            var (model, problems) = ManifestModels.Read(slice, root, apiVersion, kind);
            foreach (var (at, path, message) in problems)
                diagnostics.Error(source, (int)at.Line + first - 1, (int)at.Column, path, $"{kind}: {message}");
            var metadata = YamlNodes.TryGetChild(root, "metadata", out _, out var m) ? m as YamlMappingNode : null;
            documents.Add(new ManifestDocument(root, apiVersion, kind, Scalar(metadata, "name") ?? "", Scalar(metadata, "namespace"), model));
        }

        var checkedDocuments = documents.Where(d => d.Model is not null).ToList();
        foreach (var pod in checkedDocuments.Select(WorkloadPod.Of).OfType<WorkloadPod>())
        {
            foreach (var (path, message) in PodSecurityRestricted.Violations(pod.Spec))
                Report(diagnostics, pod.Document, $"{pod.Path}::{path}", $"Pod Security restricted: {message}");
        }
        // References are checked once every object reads: a Service would otherwise "select no pod" of a workload
        // that is only missing because its own error was reported above.
        if (checkedDocuments.Count == documents.Count)
        {
            foreach (var (document, path, message) in ManifestReferences.Problems(checkedDocuments))
                Report(diagnostics, document, path, message);
        }

        var ok = documents.Count > 0 && !diagnostics.HasErrors;
        if (documents.Count == 0 && !diagnostics.HasErrors) diagnostics.Error(source, 0, 0, "", "the file is empty");
        return new ComponentConfigValidation(
            ok ? $"{documents.Count} Kubernetes objects" : null,
            ok ? "checked against the object model, Pod Security restricted and each other" : null,
            diagnostics.Errors.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList(), diagnostics.Warnings);
    }

    private static void Report(ConfigDiagnostics diagnostics, ManifestDocument document, string path, string message)
    {
        var node = document.Locate(path);
        diagnostics.Error(diagnostics.Source, (int)node.Start.Line, (int)node.Start.Column, path, $"{document.Label}: {message}");
    }

    private static (string ApiVersion, string Kind)? TypeOf(YamlMappingNode root) =>
        Scalar(root, "apiVersion") is { } apiVersion && Scalar(root, "kind") is { } kind ? (apiVersion, kind) : null;

    private static string? Scalar(YamlMappingNode? mapping, string key) =>
        mapping is not null && YamlNodes.TryGetChild(mapping, key, out _, out var node) && node is YamlScalarNode { Value: { } value } ? value : null;
}
