using Kubetrace.Config;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// The tracing sections of containerd's <c>config.toml</c> (1.6, 1.7): the two plugin tables and their keys, with
/// the values containerd accepts. Other sections (cri, snapshotters, ...) are left alone, except a table whose plugin
/// ID looks like a misspelt tracing one, which containerd would silently ignore.
/// </summary>
public static class ContainerdConfigCheck
{
    private static readonly Dictionary<string, string[]> TracingPlugins = new(StringComparer.Ordinal)
    {
        [ContainerdTracing.OtlpPlugin] = ["endpoint", "protocol", "insecure"],
        [ContainerdTracing.TracingPlugin] = ["sampling_ratio", "service_name"],
    };

    public static ComponentConfigValidation Validate(string toml, string source)
    {
        var diagnostics = new ConfigDiagnostics(source);
        var document = SyntaxParser.Parse(toml, source);
        foreach (var message in document.Diagnostics)
        {
            if (message.Kind == DiagnosticMessageKind.Error)
                diagnostics.Error(source, message.Span.Start.Line + 1, message.Span.Start.Column + 1, "", $"invalid TOML: {message.Message}");
        }
        if (!document.HasErrors) Check(document, source, diagnostics);
        var ordered = diagnostics.Errors.OrderBy(d => d.Line == 0 ? int.MaxValue : d.Line).ThenBy(d => d.Column).ToList();
        return new ComponentConfigValidation(diagnostics.HasErrors ? null : "containerd configuration", "version 2", ordered, diagnostics.Warnings);
    }

    private static void Check(DocumentSyntax document, string source, ConfigDiagnostics diagnostics)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in document.Tables)
        {
            var parts = TomlNodes.Parts(table.Name);
            if (parts.Count != 2 || parts[0] != "plugins") continue;
            var plugin = parts[1];
            var path = KeyPath.Join("plugins", plugin);
            var (line, column) = TomlNodes.Position(table);
            if (!TracingPlugins.TryGetValue(plugin, out var keys))
            {
                if (LooksLikeTracing(plugin))
                    diagnostics.Error(source, line, column, path, $"unknown plugin \"{plugin}\"{KeySuggestion.DidYouMean(plugin, TracingPlugins.Keys)}; containerd ignores it");
                continue;
            }
            seen.Add(plugin);
            CheckTable(table, plugin, keys, path, source, diagnostics);
        }
        if (seen.Count == 0)
        {
            diagnostics.Warning(source, 0, 0, "plugins", $"no tracing sections ([plugins.\"{ContainerdTracing.OtlpPlugin}\"]): containerd sends no traces");
            return;
        }
        var version = document.KeyValues.FirstOrDefault(kv => TomlNodes.Parts(kv.Key) is ["version"]);
        if (version?.Value is not IntegerValueSyntax { Value: 2 })
        {
            var (line, column) = version is null ? (0, 0) : TomlNodes.Position(version);
            diagnostics.Error(source, line, column, "version",
                "the plugin sections need \"version = 2\" at the top: containerd 1.x reads a file without it as version 1, where these plugin IDs mean nothing");
        }
    }

    private static bool LooksLikeTracing(string plugin) =>
        KeySuggestion.Closest(plugin, TracingPlugins.Keys) is not null
        || plugin.Contains("tracing", StringComparison.OrdinalIgnoreCase)
        || plugin.Contains("otlp", StringComparison.OrdinalIgnoreCase);

    private static void CheckTable(TableSyntaxBase table, string plugin, string[] keys, string path, string source, ConfigDiagnostics diagnostics)
    {
        var values = new Dictionary<string, KeyValueSyntax>(StringComparer.Ordinal);
        foreach (var item in table.Items.OfType<KeyValueSyntax>())
        {
            var key = string.Join(".", TomlNodes.Parts(item.Key));
            var (line, column) = TomlNodes.Position(item);
            if (!keys.Contains(key))
                diagnostics.Error(source, line, column, KeyPath.Join(path, key), $"unknown key \"{key}\"{KeySuggestion.DidYouMean(key, keys)}");
            else
                values[key] = item;
        }
        var (tableLine, tableColumn) = TomlNodes.Position(table);
        if (plugin == ContainerdTracing.OtlpPlugin)
            CheckOtlp(values, path, source, tableLine, tableColumn, diagnostics);
        else
            CheckSampling(values, path, source, diagnostics);
    }

    private static void CheckOtlp(Dictionary<string, KeyValueSyntax> values, string path, string source, int line, int column, ConfigDiagnostics diagnostics)
    {
        string? protocol = "http/protobuf";
        if (values.TryGetValue("protocol", out var protocolItem))
        {
            // An unknown protocol leaves the endpoint's expected form unknown: report the protocol only.
            protocol = protocolItem.Value is StringValueSyntax { Value: "grpc" or "http/protobuf" } text ? text.Value : null;
            if (protocol is null)
                Report(protocolItem, path, "protocol", $"expected \"grpc\" or \"http/protobuf\", got {TomlNodes.Describe(protocolItem.Value)}", source, diagnostics);
        }
        if (values.TryGetValue("insecure", out var insecure) && insecure.Value is not BooleanValueSyntax)
            Report(insecure, path, "insecure", $"expected true or false, got {TomlNodes.Describe(insecure.Value)}", source, diagnostics);
        if (!values.TryGetValue("endpoint", out var endpointItem))
        {
            diagnostics.Error(source, line, column, path, "no endpoint: containerd skips the OTLP plugin and sends no traces");
            return;
        }
        if (endpointItem.Value is not StringValueSyntax { Value: { } endpoint })
        {
            Report(endpointItem, path, "endpoint", $"expected a string, got {TomlNodes.Describe(endpointItem.Value)}", source, diagnostics);
            return;
        }
        if (protocol is null) return;
        var problem = protocol == "grpc"
            ? TracingEndpoint.Problem(endpoint)
            : Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? null
                : $"\"{endpoint}\" is not a URL; with protocol \"http/protobuf\" (containerd's default) write e.g. \"http://{endpoint}\", or set protocol = \"grpc\" for host:port";
        if (problem is not null) Report(endpointItem, path, "endpoint", problem, source, diagnostics);
    }

    private static void CheckSampling(Dictionary<string, KeyValueSyntax> values, string path, string source, ConfigDiagnostics diagnostics)
    {
        if (values.TryGetValue("sampling_ratio", out var ratioItem))
        {
            double? ratio = ratioItem.Value switch
            {
                FloatValueSyntax number => number.Value,
                IntegerValueSyntax integer => integer.Value,
                _ => null,
            };
            if (ratio is not { } value || value is < 0 or > 1 || double.IsNaN(value))
                Report(ratioItem, path, "sampling_ratio", $"expected a ratio from 0.0 to 1.0, got {TomlNodes.Describe(ratioItem.Value)}", source, diagnostics);
        }
        if (values.TryGetValue("service_name", out var name) && name.Value is not StringValueSyntax)
            Report(name, path, "service_name", $"expected a string, got {TomlNodes.Describe(name.Value)}", source, diagnostics);
    }

    private static void Report(KeyValueSyntax item, string path, string key, string message, string source, ConfigDiagnostics diagnostics)
    {
        var (line, column) = TomlNodes.Position(item.Value ?? (SyntaxNodeBase)item);
        diagnostics.Error(source, line, column, KeyPath.Join(path, key), message);
    }
}
