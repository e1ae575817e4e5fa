using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// One OTLP export as a component's exporter sends it: one resource (<paramref name="Service"/>, and
/// <paramref name="Node"/> for per-node components, whether or not its resource names it), up to 512 spans, due at <paramref name="SendAt"/> (just after
/// its last span ended). The request's resource and scope messages are shared between batches: do not change them.
/// </summary>
public sealed record SimulatedBatch(string Service, string? Node, DateTimeOffset SendAt, int SpanCount, ExportTraceServiceRequest Request);
