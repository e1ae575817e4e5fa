using Kubetrace.Analysis.SpanMetrics;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>A storage exporter that records span metrics as it stores spans (served on the query port).</summary>
public interface ISpanMetricsSource
{
    /// <summary>The metrics of one tenant's stored spans; null when the tenant has no store (nothing stored).</summary>
    SpanMetricsRecorder? SpanMetricsOf(string tenant);
}
