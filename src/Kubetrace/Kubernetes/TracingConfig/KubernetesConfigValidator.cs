using Kubetrace.Config;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// Validates a Kubernetes component configuration file (TracingConfiguration, KubeletConfiguration) with the same
/// YAML reader and <c>file:line:col: key::path: message</c> diagnostics as the Collector configuration.
/// </summary>
public static class KubernetesConfigValidator
{
    /// <summary>True when a parsed document declares a Kubernetes type (<c>kind</c> or <c>apiVersion</c> at the top).</summary>
    public static bool IsKubernetesObject(YamlNode document) =>
        document is YamlMappingNode root
        && (YamlNodes.TryGetChild(root, "kind", out _, out _) || YamlNodes.TryGetChild(root, "apiVersion", out _, out _));

    /// <summary>True when <paramref name="path"/> is YAML whose documents declare Kubernetes types; <paramref name="text"/> is its content.</summary>
    public static bool IsKubernetesFile(string path, out string text)
    {
        text = "";
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        var scratch = new ConfigDiagnostics(path);
        var documents = YamlDocumentReader.ReadDocuments(text, path, scratch);
        return documents is { Count: > 0 } && documents.Where(d => !YamlNodes.IsNull(d)).All(IsKubernetesObject);
    }

    public static ComponentConfigValidation ValidateFile(string path, KubernetesVersion? version)
    {
        try
        {
            return Validate(File.ReadAllText(path), path, version);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ComponentConfigValidation(null, null, [new ConfigDiagnostic(path, 0, 0, "", $"cannot read the file: {e.Message}")], []);
        }
    }

    /// <param name="version">The Kubernetes release the file is for; null checks what holds for every release.</param>
    public static ComponentConfigValidation Validate(string yaml, string source, KubernetesVersion? version)
    {
        var diagnostics = new ConfigDiagnostics(source);
        var documents = YamlDocumentReader.ReadDocuments(yaml, source, diagnostics)?.Where(d => !YamlNodes.IsNull(d)).ToList();
        if (documents is { Count: 0 }) diagnostics.Error(source, 0, 0, "", "the file is empty");
        var checkedKinds = new List<(string Kind, string ApiVersion)>();
        foreach (var document in documents ?? [])
        {
            if (document is not YamlMappingNode root)
            {
                diagnostics.Error(document, "", $"expected a mapping with apiVersion and kind, got {YamlNodes.Describe(document)}");
                continue;
            }
            // kubeadm files hold a KubeletConfiguration beside kubeadm's own kinds: those are not Kubetrace's to check.
            if (documents!.Count > 1 && IsOtherKind(root)) continue;
            var (kind, apiVersion) = TypeMetaCheck.Check(root, version, diagnostics);
            if (kind == KubernetesKinds.TracingConfiguration) ApiServerTracingFileCheck.Check(root, version, diagnostics);
            else if (kind == KubernetesKinds.KubeletConfiguration) KubeletConfigurationCheck.Check(root, version, diagnostics);
            if (kind is not null && apiVersion is not null) checkedKinds.Add((kind, apiVersion));
        }
        if (documents is { Count: > 1 } && checkedKinds.Count == 0 && !diagnostics.HasErrors)
            diagnostics.Error(source, 0, 0, "", $"none of the documents is a {string.Join(" or ", KubernetesKinds.Names)}");
        var ok = checkedKinds.Count > 0 && !diagnostics.HasErrors;
        return new ComponentConfigValidation(
            ok ? string.Join(", ", checkedKinds.Select(k => k.Kind)) : null,
            ok ? string.Join(", ", checkedKinds.Select(k => k.ApiVersion)) : null,
            InFileOrder(diagnostics.Errors), InFileOrder(diagnostics.Warnings));
    }

    /// <summary>A document of another kind (kubeadm's InitConfiguration, KubeProxyConfiguration, ...), not a misspelt one of ours.</summary>
    private static bool IsOtherKind(YamlMappingNode root)
    {
        if (!YamlNodes.TryGetChild(root, "kind", out _, out var node) || node is not YamlScalarNode { Value: { } kind }) return false;
        return KubernetesKinds.VersionsOf(kind) is null && KeySuggestion.Closest(kind, KubernetesKinds.Names) is null;
    }

    private static List<ConfigDiagnostic> InFileOrder(IEnumerable<ConfigDiagnostic> diagnostics) =>
        diagnostics.OrderBy(d => d.Line == 0 ? int.MaxValue : d.Line).ThenBy(d => d.Column).ToList();
}
