using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Receivers.Otlp;

/// <summary>Factory of the <c>otlp</c> receiver.</summary>
public sealed class OtlpReceiverFactory() : ComponentFactory<OtlpReceiverConfig>("otlp", ComponentKind.Receiver), IReceiverFactory
{
    public IReceiver Create(ComponentSettings settings, object config, ITraceConsumer next) =>
        new OtlpReceiver(settings, (OtlpReceiverConfig)config, next);
}
