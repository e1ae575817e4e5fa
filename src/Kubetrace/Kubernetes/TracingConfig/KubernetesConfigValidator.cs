using Kubetrace.Config;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// Validates a Kubernetes component configuration file (TracingConfiguration, KubeletConfiguration) with the same
/// YAML reader and <c>file:line:col: key::path: message</c> diagnostics as the Collector configuration.
/// </summary>
public static class KubernetesConfigValidator
{
    /// <summary>True when a parsed file declares a Kubernetes type (<c>kind</c> or <c>apiVersion</c> at the top).</summary>
    public static bool IsKubernetesObject(YamlMappingNode root) =>
        YamlNodes.TryGetChild(root, "kind", out _, out _) || YamlNodes.TryGetChild(root, "apiVersion", out _, out _);

    /// <summary>Reads <paramref name="path"/> and returns its root mapping when it declares a Kubernetes type, else null.</summary>
    public static YamlMappingNode? TryReadKubernetesObject(string path, out string text)
    {
        text = "";
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var scratch = new ConfigDiagnostics(path);
        var root = YamlDocumentReader.Read(text, path, scratch);
        return root is not null && !scratch.HasErrors && IsKubernetesObject(root) ? root : null;
    }

    public static KubernetesValidationResult ValidateFile(string path, KubernetesVersion? version)
    {
        try
        {
            return Validate(File.ReadAllText(path), path, version);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new KubernetesValidationResult(null, null, [new ConfigDiagnostic(path, 0, 0, "", $"cannot read the file: {e.Message}")], []);
        }
    }

    /// <param name="version">The Kubernetes release the file is for; null checks what holds for every release.</param>
    public static KubernetesValidationResult Validate(string yaml, string source, KubernetesVersion? version)
    {
        var diagnostics = new ConfigDiagnostics(source);
        var root = YamlDocumentReader.Read(yaml, source, diagnostics);
        string? kind = null;
        string? apiVersion = null;
        if (root is not null)
        {
            (kind, apiVersion) = TypeMetaCheck.Check(root, version, diagnostics);
            if (kind == KubernetesKinds.TracingConfiguration) ApiServerTracingFileCheck.Check(root, version, diagnostics);
            else if (kind == KubernetesKinds.KubeletConfiguration) KubeletConfigurationCheck.Check(root, version, diagnostics);
        }
        return new KubernetesValidationResult(kind, apiVersion, InFileOrder(diagnostics.Errors), InFileOrder(diagnostics.Warnings));
    }

    private static List<ConfigDiagnostic> InFileOrder(IEnumerable<ConfigDiagnostic> diagnostics) =>
        diagnostics.OrderBy(d => d.Line == 0 ? int.MaxValue : d.Line).ThenBy(d => d.Column).ToList();
}
