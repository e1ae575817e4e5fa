namespace Kubetrace.Components;

/// <summary>The sections of a Collector-format configuration that hold components.</summary>
public enum ComponentKind
{
    Receiver,
    Processor,
    Exporter,
    Extension,
}
