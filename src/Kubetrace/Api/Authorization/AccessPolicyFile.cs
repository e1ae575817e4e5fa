using Kubetrace.Config;
using Kubetrace.Query.Access;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Api.Authorization;

/// <summary>
/// Reads a policy file (YAML): a list of <c>readers</c>, each naming principals (<c>subjects</c>, <c>groups</c>,
/// <c>claims</c>) and granting <c>all: true</c>, or <c>namespaces</c> (globs) and/or <c>cluster: true</c>, with an
/// optional <c>tenant</c>. Every mistake is reported with the file, line and key, e.g.
/// <c>policy.yaml:4:19: readers[0]::namespaces: 'A' cannot appear in a namespace name ...</c>.
/// </summary>
public static class AccessPolicyFile
{
    private static readonly string[] RuleKeys = ["name", "subjects", "groups", "claims", "all", "namespaces", "cluster", "tenant"];

    /// <exception cref="InvalidDataException">The text is not a valid policy; the message lists every problem with its line.</exception>
    public static AccessPolicy Parse(string text, string source)
    {
        var diagnostics = new ConfigDiagnostics(source);
        var rules = new List<AccessRule>();
        var documents = YamlDocumentReader.ReadDocuments(text, source, diagnostics);
        if (documents is { Count: 1 } && documents[0] is YamlMappingNode root)
        {
            foreach (var (key, value) in root.Children)
            {
                if (YamlNodes.KeyText(key) != "readers")
                    diagnostics.Error(key, YamlNodes.KeyText(key) ?? "", "unknown key; a policy file has one key, readers" + KeySuggestion.DidYouMean(YamlNodes.KeyText(key) ?? "", ["readers"]));
                else if (value is not YamlSequenceNode list)
                    diagnostics.Error(value, "readers", $"expected a list of rules, got {YamlNodes.Describe(value)}");
                else
                    for (var i = 0; i < list.Children.Count; i++)
                        if (ReadRule(list.Children[i], $"readers[{i}]", diagnostics) is { } rule) rules.Add(rule);
            }
        }
        else if (!diagnostics.HasErrors)
            diagnostics.Error(documents is { Count: > 0 } ? documents[0] : null, "", "expected a single YAML mapping with a readers list");
        if (diagnostics.HasErrors) throw new InvalidDataException(string.Join("\n", diagnostics.Errors));
        return new AccessPolicy(rules);
    }

    private static AccessRule? ReadRule(YamlNode node, string path, ConfigDiagnostics diagnostics)
    {
        if (node is not YamlMappingNode rule)
        {
            diagnostics.Error(node, path, $"expected a mapping (subjects, groups, claims, all, namespaces, cluster, tenant), got {YamlNodes.Describe(node)}");
            return null;
        }
        var errors = diagnostics.Errors.Count;
        IReadOnlyList<string> subjects = [], groups = [];
        var claims = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var patterns = new List<NamespacePattern>();
        bool all = false, cluster = false;
        string? tenant = null;
        foreach (var (keyNode, value) in rule.Children)
        {
            var key = YamlNodes.KeyText(keyNode) ?? "";
            var at = $"{path}::{key}";
            switch (key)
            {
                case "name": break; // a label for people reading the file
                case "subjects": subjects = Strings(value, at, diagnostics); break;
                case "groups": groups = Strings(value, at, diagnostics); break;
                case "claims":
                    if (value is not YamlMappingNode claimMap) diagnostics.Error(value, at, $"expected a mapping of claim name to value(s), got {YamlNodes.Describe(value)}");
                    else
                        foreach (var (claim, wanted) in claimMap.Children)
                            claims[YamlNodes.KeyText(claim) ?? ""] = wanted is YamlScalarNode one ? [one.Value ?? ""] : Strings(wanted, $"{at}::{YamlNodes.KeyText(claim)}", diagnostics);
                    break;
                case "all": all = Bool(value, at, diagnostics); break;
                case "cluster": cluster = Bool(value, at, diagnostics); break;
                case "tenant": tenant = value is YamlScalarNode { Value.Length: > 0 } t ? t.Value : Error<string>(value, at, "expected a tenant name", diagnostics); break;
                case "namespaces":
                    if (Strings(value, at, diagnostics).Count > 0)
                        foreach (var item in ((YamlSequenceNode)value).Children)
                            if (NamespacePattern.TryParse(((YamlScalarNode)item).Value!, out var error) is { } pattern) patterns.Add(pattern);
                            else diagnostics.Error(item, at, $"\"{((YamlScalarNode)item).Value}\": {error}");
                    break;
                default:
                    diagnostics.Error(keyNode, at, "unknown key" + KeySuggestion.DidYouMean(key, RuleKeys));
                    break;
            }
        }
        if (subjects.Count == 0 && groups.Count == 0 && claims.Count == 0)
            diagnostics.Error(rule, path, "names no one: give subjects, groups or claims");
        if (!all && !cluster && patterns.Count == 0)
            diagnostics.Error(rule, path, "grants nothing: give all: true, namespaces or cluster: true");
        if (all && (cluster || patterns.Count > 0))
            diagnostics.Error(rule, path, "all: true already grants every namespace and cluster-scoped data; remove namespaces and cluster");
        if (diagnostics.Errors.Count > errors) return null;
        return new AccessRule(subjects, groups, claims, new ReadGrant(all, patterns, cluster) { Tenant = tenant });
    }

    private static IReadOnlyList<string> Strings(YamlNode node, string at, ConfigDiagnostics diagnostics)
    {
        if (node is YamlSequenceNode list && list.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }))
            return list.Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        return Error<IReadOnlyList<string>>(node, at, $"expected a list of names, got {YamlNodes.Describe(node)}", diagnostics) ?? [];
    }

    private static bool Bool(YamlNode node, string at, ConfigDiagnostics diagnostics) => node switch
    {
        YamlScalarNode { Value: "true" } => true,
        YamlScalarNode { Value: "false" } => false,
        _ => Error<string>(node, at, $"expected true or false, got {YamlNodes.Describe(node)}", diagnostics) is not null,
    };

    private static T? Error<T>(YamlNode node, string at, string message, ConfigDiagnostics diagnostics) where T : class
    {
        diagnostics.Error(node, at, message);
        return null;
    }
}
