using Kubetrace.Components;

namespace Kubetrace.Service;

/// <summary>A built component with the label used in logs, e.g. <c>exporter otlp/backend</c> or <c>processor batch in traces/2</c>.</summary>
public sealed record RunningComponent(string Label, ComponentKind Kind, IComponent Component);
