using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.ProbabilisticSampler;

public sealed class ProbabilisticSamplerProcessorFactory() : ProcessorFactory<ProbabilisticSamplerConfig>("probabilistic_sampler")
{
    protected override IProcessor Create(ComponentSettings settings, ProbabilisticSamplerConfig config, ITraceConsumer next) =>
        new ProbabilisticSamplerProcessor(settings, config, next);
}
