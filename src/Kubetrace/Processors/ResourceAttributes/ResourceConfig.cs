using Kubetrace.Components;
using Kubetrace.Processors.AttributeActions;

namespace Kubetrace.Processors.ResourceAttributes;

/// <summary>The <c>resource</c> processor's configuration (processor/resourceprocessor/config.go): the actions, under <c>attributes</c>.</summary>
public sealed class ResourceConfig : IValidatableConfig
{
    public List<ActionConfig> Attributes { get; set; } = [];

    public IEnumerable<ConfigProblem> Validate()
    {
        if (Attributes.Count == 0) yield return new("attributes", "missing required field \"attributes\"");
        foreach (var problem in ActionConfig.Validate(Attributes, "attributes")) yield return problem;
    }
}
