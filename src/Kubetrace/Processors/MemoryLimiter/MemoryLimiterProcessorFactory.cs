using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.MemoryLimiter;

public sealed class MemoryLimiterProcessorFactory() : ProcessorFactory<MemoryLimiterConfig>("memory_limiter")
{
    protected override IProcessor Create(ComponentSettings settings, MemoryLimiterConfig config, ITraceConsumer next) =>
        new MemoryLimiterProcessor(settings, config, next);
}
