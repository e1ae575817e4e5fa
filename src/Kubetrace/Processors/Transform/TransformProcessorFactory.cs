using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.Transform;

public sealed class TransformProcessorFactory() : ProcessorFactory<TransformConfig>("transform")
{
    protected override IProcessor Create(ComponentSettings settings, TransformConfig config, ITraceConsumer next) =>
        new TransformProcessor(settings, config, next);
}
