using Kubetrace.Components;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>
/// Reads one component section (<c>receivers</c>, <c>processors</c>, <c>exporters</c>, <c>extensions</c>): parses
/// each component ID, finds its factory, binds the YAML over the factory's defaults and runs the config's own
/// validation, reporting problems at their lines.
/// </summary>
public sealed class ComponentSectionReader(ComponentCatalog catalog, ConfigDiagnostics diagnostics)
{
    private readonly ConfigBinder _binder = new(diagnostics);

    /// <returns>The usable components, and every well-formed ID declared in the section (also those of unknown
    /// type or with errors), so that pipelines naming a broken component do not add a second, misleading error.</returns>
    public (Dictionary<ComponentId, ComponentConfig> Components, HashSet<ComponentId> Declared) Read(YamlNode? section, string sectionName, ComponentKind kind)
    {
        var result = new Dictionary<ComponentId, ComponentConfig>();
        var declared = new HashSet<ComponentId>();
        if (YamlNodes.IsNull(section)) return (result, declared);
        if (section is not YamlMappingNode mapping)
        {
            diagnostics.Error(section, sectionName, $"expected a mapping of component IDs, got {YamlNodes.Describe(section!)}");
            return (result, declared);
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var idText = YamlNodes.KeyText(keyNode) ?? "";
            var path = KeyPath.Join(sectionName, idText);
            if (!ComponentId.TryParse(idText, out var id, out var idError))
            {
                diagnostics.Error(keyNode, path, idError!);
                continue;
            }
            declared.Add(id);
            var factory = catalog.Find(kind, id.Type);
            if (factory is null)
            {
                var known = string.Join(", ", catalog.TypesOf(kind));
                diagnostics.Error(keyNode, path,
                    $"unknown {KindName(kind)} type \"{id.Type}\" (known: {(known.Length == 0 ? "none" : known)})");
                continue;
            }

            var settings = factory.CreateDefaultConfig();
            var errorsBefore = diagnostics.Errors.Count;
            _binder.BindObject(valueNode, settings, path);
            // Cross-field checks on a half-bound object would only repeat the binding errors in other words.
            if (diagnostics.Errors.Count == errorsBefore) ValidationReporter.Report(diagnostics, settings, keyNode, valueNode, path);
            result[id] = new ComponentConfig(id, kind, factory, settings);
        }
        return (result, declared);
    }

    public static string KindName(ComponentKind kind) => kind.ToString().ToLowerInvariant();
}
