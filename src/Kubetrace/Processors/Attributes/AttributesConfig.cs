using Kubetrace.Components;
using Kubetrace.Processors.AttributeActions;
using Kubetrace.Processors.SpanMatching;

namespace Kubetrace.Processors.Attributes;

/// <summary>The <c>attributes</c> processor's configuration (processor/attributesprocessor/config.go): actions, include, exclude.</summary>
public sealed class AttributesConfig : IValidatableConfig, IConfigWithWarnings
{
    public List<ActionConfig> Actions { get; set; } = [];

    /// <summary>Only spans matching these are changed.</summary>
    public MatchProperties? Include { get; set; }

    /// <summary>Spans matching these are left alone.</summary>
    public MatchProperties? Exclude { get; set; }

    public IEnumerable<ConfigProblem> Validate()
    {
        if (Actions.Count == 0) yield return new("actions", "error creating \"attributes\" processor due to missing required field \"actions\"");
        foreach (var problem in ActionConfig.Validate(Actions, "actions")) yield return problem;
        foreach (var problem in Include?.Validate("include") ?? []) yield return problem;
        foreach (var problem in Exclude?.Validate("exclude") ?? []) yield return problem;
    }

    public IEnumerable<ConfigProblem> Warnings() =>
        (Include?.Warnings("include") ?? []).Concat(Exclude?.Warnings("exclude") ?? []);
}
