using System.Globalization;
using Kubetrace.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// The two fields of k8s.io/component-base's TracingConfiguration, shared by the apiserver's file and the kubelet's
/// <c>tracing</c> section: <c>endpoint</c> (a gRPC target) and <c>samplingRatePerMillion</c> (int32, 0..1000000).
/// Values are checked as Kubernetes decodes them (YAML → JSON → Go), so a quoted number is a string and rejected.
/// </summary>
public static class TracingFields
{
    public const string Endpoint = "endpoint";
    public const string SamplingRatePerMillion = "samplingRatePerMillion";

    public static readonly FieldSchema Schema = FieldSchema.Of(Endpoint, SamplingRatePerMillion);

    /// <summary>The apiserver's file: the same two fields beside apiVersion and kind.</summary>
    public static readonly FieldSchema FileSchema = FieldSchema.Of("apiVersion", "kind", Endpoint, SamplingRatePerMillion);

    public static void CheckValues(YamlMappingNode mapping, string path, ConfigDiagnostics diagnostics)
    {
        if (YamlNodes.TryGetChild(mapping, Endpoint, out _, out var endpoint)) CheckEndpoint(endpoint, KeyPath.Join(path, Endpoint), diagnostics);
        if (YamlNodes.TryGetChild(mapping, SamplingRatePerMillion, out _, out var rate)) CheckRate(rate, KeyPath.Join(path, SamplingRatePerMillion), diagnostics);
    }

    private static void CheckEndpoint(YamlNode node, string path, ConfigDiagnostics diagnostics)
    {
        if (YamlNodes.IsNull(node)) return; // unset: localhost:4317
        if (node is not YamlScalarNode scalar)
        {
            diagnostics.Error(node, path, $"expected a host:port string, got {YamlNodes.Describe(node)}");
            return;
        }
        if (TracingEndpoint.Problem(scalar.Value ?? "") is { } problem) diagnostics.Error(node, path, problem);
    }

    private static void CheckRate(YamlNode node, string path, ConfigDiagnostics diagnostics)
    {
        if (YamlNodes.IsNull(node)) return; // unset: follow the parent's decision, start no traces
        var range = $"from 0 to {SamplingRate.PerMillionMax}";
        if (node is not YamlScalarNode scalar)
        {
            diagnostics.Error(node, path, $"expected an integer {range}, got {YamlNodes.Describe(node)}");
            return;
        }
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            diagnostics.Error(node, path, $"expected an integer {range}, got the string \"{text}\" (remove the quotes)");
            return;
        }
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var rate))
        {
            var hint = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is > 0 and <= 1
                ? $"; a ratio of {text} is {Math.Round(ratio * SamplingRate.PerMillionMax).ToString("0", CultureInfo.InvariantCulture)} per million"
                : "";
            diagnostics.Error(node, path, $"expected an integer {range}, got \"{text}\"{hint}");
            return;
        }
        if (rate < 0)
            diagnostics.Error(node, path, $"{rate} is negative; use {range} (0 starts no traces)");
        else if (rate > SamplingRate.PerMillionMax)
            diagnostics.Error(node, path, $"{rate} is more than one million; use {range} ({SamplingRate.PerMillionMax} samples every trace)");
    }
}
