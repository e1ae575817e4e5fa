using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.Filter;

public sealed class FilterProcessorFactory() : ProcessorFactory<FilterConfig>("filter")
{
    protected override IProcessor Create(ComponentSettings settings, FilterConfig config, ITraceConsumer next) =>
        new FilterProcessor(settings, config, next);
}
