using Kubetrace.Analysis.SpanMetrics;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>A storage exporter that records span metrics as it stores spans (served on the query port).</summary>
public interface ISpanMetricsSource
{
    SpanMetricsRecorder SpanMetrics { get; }
}
