using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.Redaction;

public sealed class RedactionProcessorFactory() : ProcessorFactory<RedactionConfig>("redaction")
{
    protected override IProcessor Create(ComponentSettings settings, RedactionConfig config, ITraceConsumer next) =>
        new RedactionProcessor(settings, config, next);
}
