using Kubetrace.Components;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Processors.SpanMatching;

/// <summary>
/// <c>include</c> / <c>exclude</c> of the attributes processor and the legacy filter processor, with the Collector's
/// keys (internal/filter/filterconfig.MatchProperties). A span matches when every property given matches.
/// </summary>
public sealed class MatchProperties
{
    /// <summary>strict (equality) or regexp (unanchored, linear-time) for every property below.</summary>
    public string MatchType { get; set; } = "";

    /// <summary>Any of these service.name values.</summary>
    public List<string> Services { get; set; } = [];

    /// <summary>Any of these span names.</summary>
    public List<string> SpanNames { get; set; } = [];

    /// <summary>Any of these kinds (SPAN_KIND_SERVER, …), always strict.</summary>
    public List<string> SpanKinds { get; set; } = [];

    /// <summary>Every one of these span attributes (a key alone: present).</summary>
    public List<AttributeMatch> Attributes { get; set; } = [];

    /// <summary>Every one of these resource attributes.</summary>
    public List<AttributeMatch> Resources { get; set; } = [];

    /// <summary>Any of these instrumentation scopes (a version given must equal; none given: any version).</summary>
    public List<LibraryMatch> Libraries { get; set; } = [];

    /// <summary>Logs only: accepted so that shared configs load; warned about and ignored on traces.</summary>
    public List<string> LogBodies { get; set; } = [];

    public List<string> LogSeverityTexts { get; set; } = [];

    public IEnumerable<ConfigProblem> Validate(string key)
    {
        if (MatchType is not ("strict" or "regexp"))
            yield return new($"{key}::match_type", $"invalid match_type \"{MatchType}\": expected strict or regexp");
        if (Services.Count + SpanNames.Count + SpanKinds.Count + Attributes.Count + Resources.Count + Libraries.Count + LogBodies.Count + LogSeverityTexts.Count == 0)
            yield return new(key, "at least one of services, span_names, span_kinds, attributes, resources or libraries must be specified");
        foreach (var (attribute, i) in Attributes.Concat(Resources).Select((a, i) => (a, i)))
            if (attribute.Key.Length == 0) yield return new(key, $"the {i}-th attribute or resource match has no key");
        if (MatchType == "regexp")
            foreach (var pattern in Services.Concat(SpanNames).Concat(Attributes.Concat(Resources).Select(a => a.Value is YamlScalarNode s ? s.Value ?? "" : "")))
                if (CollectorRegex.Problem(pattern) is { } error) yield return new(key, error);
    }

    public IEnumerable<ConfigProblem> Warnings(string key)
    {
        if (LogBodies.Count + LogSeverityTexts.Count > 0)
            yield return new(key, "log_bodies and log_severity_texts apply to logs only; on spans this match never applies");
    }
}

public sealed class AttributeMatch
{
    public string Key { get; set; } = "";

    /// <summary>Typed as YAML types it (strict compares type and value); absent: the key's presence matches.</summary>
    public YamlNode? Value { get; set; }
}

public sealed class LibraryMatch
{
    public string Name { get; set; } = "";

    public string? Version { get; set; }
}
