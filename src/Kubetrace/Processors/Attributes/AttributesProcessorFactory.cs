using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.Attributes;

public sealed class AttributesProcessorFactory() : ProcessorFactory<AttributesConfig>("attributes")
{
    protected override IProcessor Create(ComponentSettings settings, AttributesConfig config, ITraceConsumer next) =>
        new AttributesProcessor(settings, config, next);
}
