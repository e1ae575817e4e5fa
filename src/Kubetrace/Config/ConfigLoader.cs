using Kubetrace.Components;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>
/// Loads a Collector-format configuration: YAML → environment expansion → component sections bound onto each
/// factory's defaults → <c>service</c> (extensions, pipelines, telemetry). Every problem found on the way is
/// returned together; the config is returned only when there is none.
/// </summary>
public sealed class ConfigLoader(ComponentCatalog catalog, Func<string, string?>? environment = null)
{
    private static readonly (string Name, ComponentKind Kind)[] ComponentSections =
    [
        ("receivers", ComponentKind.Receiver),
        ("processors", ComponentKind.Processor),
        ("exporters", ComponentKind.Exporter),
        ("extensions", ComponentKind.Extension),
    ];

    private static readonly string[] TopLevelKeys = ["receivers", "processors", "exporters", "extensions", "connectors", "service", MultitenancyKey];

    /// <summary>Tempo's top-level switch for tenants (docs/security.md, Tenants): every component obeys it.</summary>
    public const string MultitenancyKey = "multitenancy_enabled";

    public ConfigLoadResult LoadFile(string path) => LoadFiles([path]);

    /// <summary>Loads several files merged in order, later ones winning (mappings merge key by key, other values are
    /// replaced), then the <c>--set key::path=value</c> overrides.</summary>
    public ConfigLoadResult LoadFiles(IReadOnlyList<string> paths, IReadOnlyList<string>? overrides = null)
    {
        var documents = new List<(string Yaml, string Source)>();
        var unreadable = new List<ConfigDiagnostic>();
        foreach (var path in paths)
        {
            try
            {
                documents.Add((File.ReadAllText(path), path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(new ConfigDiagnostic(path, 0, 0, "", $"cannot read the configuration: {e.Message}"));
            }
        }
        return unreadable.Count > 0 ? new ConfigLoadResult(null, unreadable, []) : Load(documents, overrides ?? []);
    }

    /// <param name="source">Shown as the file name in every diagnostic.</param>
    public ConfigLoadResult Load(string yaml, string source, IReadOnlyList<string>? overrides = null) =>
        Load([(yaml, source)], overrides ?? []);

    private ConfigLoadResult Load(IReadOnlyList<(string Yaml, string Source)> documents, IReadOnlyList<string> overrides)
    {
        var diagnostics = new ConfigDiagnostics(string.Join(" + ", documents.Select(d => d.Source)));
        YamlMappingNode? root = null;
        foreach (var (yaml, source) in documents)
        {
            var document = YamlDocumentReader.Read(yaml, source, diagnostics);
            if (document is not null) root = root is null ? document : YamlMerge.Into(root, document);
        }
        // A file that does not parse leaves the merge incomplete: checking the rest would only add false errors.
        var filesParsed = root is not null && !diagnostics.HasErrors;
        foreach (var expression in overrides)
        {
            if (SetOverride.Parse(expression, diagnostics) is { } overlay && root is not null) YamlMerge.Into(root, overlay);
        }
        var config = filesParsed ? Read(root!, diagnostics) : null;
        var sources = documents.Select(d => d.Source).ToList();
        return new ConfigLoadResult(diagnostics.HasErrors ? null : config,
            InFileOrder(diagnostics.Errors, sources), InFileOrder(diagnostics.Warnings, sources));
    }

    /// <summary>Sorted by file, then position, so that a user fixes files top to bottom; problems without a line come last.</summary>
    private static List<ConfigDiagnostic> InFileOrder(IEnumerable<ConfigDiagnostic> diagnostics, List<string> sources) =>
        diagnostics
            .OrderBy(d => d.Line == 0 ? int.MaxValue : sources.IndexOf(d.Source))
            .ThenBy(d => d.Line)
            .ThenBy(d => d.Column)
            .ToList();

    private ServiceConfig Read(YamlMappingNode root, ConfigDiagnostics diagnostics)
    {
        new EnvironmentExpander(diagnostics, environment ?? Environment.GetEnvironmentVariable).ExpandAll(root, "");
        CheckTopLevelKeys(root, diagnostics);

        var sections = new Dictionary<ComponentKind, Dictionary<ComponentId, ComponentConfig>>();
        var defined = new Dictionary<ComponentKind, IReadOnlySet<ComponentId>>();
        var componentReader = new ComponentSectionReader(catalog, diagnostics);
        foreach (var (name, kind) in ComponentSections)
        {
            YamlNodes.TryGetChild(root, name, out _, out var section);
            (sections[kind], var declared) = componentReader.Read(section, name, kind);
            defined[kind] = declared;
        }

        YamlNodes.TryGetChild(root, "service", out _, out var serviceNode);
        var (extensions, pipelines, telemetry) = new ServiceSectionReader(diagnostics, defined).Read(serviceNode);

        var config = new ServiceConfig
        {
            Receivers = sections[ComponentKind.Receiver],
            Processors = sections[ComponentKind.Processor],
            Exporters = sections[ComponentKind.Exporter],
            Extensions = sections[ComponentKind.Extension],
            ServiceExtensions = extensions,
            Pipelines = pipelines,
            Telemetry = telemetry,
            MultitenancyEnabled = ReadMultitenancy(root, diagnostics),
        };
        if (pipelines.Count > 0) WarnAboutUnusedComponents(root, config, diagnostics);
        if (config.MultitenancyEnabled) RefuseTenantLosingProcessors(root, config, diagnostics);
        return config;
    }

    /// <summary>
    /// Under multitenancy a batch's tenant is its client metadata, and <c>tail_sampling</c> emits the traces it
    /// decides without it (it regroups spans by trace ID across requests): the store would refuse spans already
    /// acknowledged to the sender. Refuse the configuration instead of losing them (docs/security.md, Tenants).
    /// </summary>
    private static void RefuseTenantLosingProcessors(YamlMappingNode root, ServiceConfig config, ConfigDiagnostics diagnostics)
    {
        YamlNodes.TryGetChild(root, "processors", out _, out var section);
        foreach (var id in config.Pipelines.SelectMany(p => p.Processors).Where(id => id.Type == "tail_sampling").Distinct())
        {
            YamlNode? keyNode = null;
            if (section is YamlMappingNode mapping) YamlNodes.TryGetChild(mapping, id.ToString(), out keyNode, out _);
            diagnostics.Error(keyNode, KeyPath.Join("processors", id.ToString()),
                "tail_sampling cannot run with multitenancy_enabled: the traces it emits no longer carry their tenant " +
                "(X-Scope-OrgID), so they could not be stored; sample before the tenants meet (one Kubetrace or pipeline per tenant) or turn multitenancy off");
        }
    }

    private static bool ReadMultitenancy(YamlMappingNode root, ConfigDiagnostics diagnostics)
    {
        if (!YamlNodes.TryGetChild(root, MultitenancyKey, out _, out var node) || YamlNodes.IsNull(node)) return false;
        if (node is YamlScalarNode scalar && ScalarConverter.TryConvert(scalar.Value ?? "", typeof(bool), out var value, out _)) return (bool)value!;
        diagnostics.Error(node, MultitenancyKey, $"expected true or false, got {YamlNodes.Describe(node)}");
        return false;
    }

    private static void CheckTopLevelKeys(YamlMappingNode root, ConfigDiagnostics diagnostics)
    {
        foreach (var (key, _) in root.Children)
        {
            var text = YamlNodes.KeyText(key) ?? "";
            if (text == "connectors")
                diagnostics.Error(key, text, "connectors are not supported by Kubetrace (traces-only pipelines feed exporters directly)");
            else if (!TopLevelKeys.Contains(text))
                diagnostics.Error(key, text, $"unknown key \"{text}\"{KeySuggestion.DidYouMean(text, TopLevelKeys)}");
        }
    }

    /// <summary>As in the Collector, a defined but unused component is not built; say so, since it is often a mistake.</summary>
    private static void WarnAboutUnusedComponents(YamlMappingNode root, ServiceConfig config, ConfigDiagnostics diagnostics)
    {
        var used = config.Pipelines.SelectMany(p =>
                p.Receivers.Select(id => (ComponentKind.Receiver, id))
                    .Concat(p.Processors.Select(id => (ComponentKind.Processor, id)))
                    .Concat(p.Exporters.Select(id => (ComponentKind.Exporter, id))))
            .ToHashSet();
        foreach (var (name, kind) in ComponentSections)
        {
            if (!YamlNodes.TryGetChild(root, name, out _, out var section) || section is not YamlMappingNode mapping) continue;
            foreach (var id in config.Section(kind).Keys)
            {
                var isUsed = kind == ComponentKind.Extension ? config.ServiceExtensions.Contains(id) : used.Contains((kind, id));
                if (isUsed) continue;
                YamlNodes.TryGetChild(mapping, id.ToString(), out var keyNode, out _);
                var where = kind == ComponentKind.Extension ? "not listed in service::extensions" : "not used by any pipeline";
                diagnostics.Warning(keyNode, KeyPath.Join(name, id.ToString()), $"defined but {where}, so it will not run");
            }
        }
    }
}
