using Kubetrace.Components;
using Kubetrace.Pipeline;
using Kubetrace.Processors.AttributeActions;

namespace Kubetrace.Processors.ResourceAttributes;

/// <summary>The <c>resource</c> processor: the attributes actions applied to each resource's attributes.</summary>
public sealed class ResourceProcessor : PerBatchProcessor
{
    private readonly AttributeActionList _actions;

    public ResourceProcessor(ComponentSettings settings, ResourceConfig config, ITraceConsumer next) : base(settings, next) =>
        _actions = new AttributeActionList(config.Attributes);

    protected override TraceBatch Process(TraceBatch batch)
    {
        var output = SpanRewriter.Rewrite(batch.Request, static (_, _, span) => span, resource =>
        {
            if (_actions.Apply(resource.Attributes, batch.Metadata) is not { } attributes) return resource;
            var copy = new Otlp.Proto.Resource.Resource { DroppedAttributesCount = resource.DroppedAttributesCount };
            copy.Attributes.AddRange(attributes);
            return copy;
        });
        return ReferenceEquals(output, batch.Request) ? batch : batch.WithRequest(output);
    }
}
