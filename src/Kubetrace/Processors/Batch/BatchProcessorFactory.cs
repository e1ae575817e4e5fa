using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.Batch;

public sealed class BatchProcessorFactory() : ProcessorFactory<BatchConfig>("batch")
{
    protected override IProcessor Create(ComponentSettings settings, BatchConfig config, ITraceConsumer next) =>
        new BatchProcessor(settings, config, next);
}
