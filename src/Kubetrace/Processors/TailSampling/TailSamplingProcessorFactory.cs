using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.TailSampling;

public sealed class TailSamplingProcessorFactory() : ProcessorFactory<TailSamplingConfig>("tail_sampling")
{
    protected override IProcessor Create(ComponentSettings settings, TailSamplingConfig config, ITraceConsumer next) =>
        new TailSamplingProcessor(settings, config, next);
}
