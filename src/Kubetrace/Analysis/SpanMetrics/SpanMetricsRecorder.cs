using Kubetrace.Storage;
using Kubetrace.Telemetry;

namespace Kubetrace.Analysis.SpanMetrics;

/// <summary>
/// RED metrics of every stored span, like the Collector's spanmetrics connector with its defaults (namespace
/// <c>traces.span.metrics</c>, unit seconds): <c>traces_span_metrics_calls_total</c> and the histogram
/// <c>traces_span_metrics_duration_seconds</c> with the connector's default buckets, labelled
/// <c>service_name</c>, <c>span_name</c>, <c>span_kind</c> (<c>SPAN_KIND_SERVER</c>, ...) and
/// <c>status_code</c> (<c>STATUS_CODE_UNSET</c>, <c>STATUS_CODE_OK</c>, <c>STATUS_CODE_ERROR</c>).
/// </summary>
/// <remarks>
/// Fed by the store as spans become durable (<see cref="ISpanObserver"/>), on its single ingest thread: a series
/// is looked up by its label values (no allocation once it exists) and updated with a few atomic adds. Counts
/// start at zero when the process starts, as the connector's cumulative counters do.
/// </remarks>
public sealed class SpanMetricsRecorder : ISpanObserver
{
    public const string CallsName = "traces_span_metrics_calls";
    public const string DurationName = "traces_span_metrics_duration_seconds";

    /// <summary>spanmetrics' default buckets (2ms … 15s) in seconds.</summary>
    public static readonly double[] DefaultBuckets =
        [0.002, 0.004, 0.006, 0.008, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1, 1.4, 2, 5, 10, 15];

    private static readonly string[] KindLabels =
        ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"];
    private static readonly string[] StatusLabels = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"];

    private readonly MetricsRegistry _registry = new();
    private readonly Dictionary<(string Service, string Name, int Kind, int Status), (Counter Calls, Histogram Duration)> _series = new();

    public void Observe(in AppendedSpan span)
    {
        var key = (span.Service, span.Name, span.Kind, span.StatusCode);
        if (!_series.TryGetValue(key, out var series)) _series[key] = series = Create(key);
        series.Calls.Add(1);
        series.Duration.Record(span.DurationNanos / 1e9);
    }

    /// <summary>The metrics in the Prometheus text format.</summary>
    public void WriteTo(TextWriter writer) => _registry.WriteTo(writer);

    private (Counter, Histogram) Create((string Service, string Name, int Kind, int Status) key)
    {
        (string, string)[] labels =
        [
            ("service_name", key.Service), ("span_name", key.Name),
            ("span_kind", key.Kind < KindLabels.Length ? KindLabels[key.Kind] : KindLabels[0]),
            ("status_code", key.Status < StatusLabels.Length ? StatusLabels[key.Status] : StatusLabels[0]),
        ];
        return (_registry.Counter(CallsName, "Number of spans, by service, span name, kind and status", labels),
            _registry.Histogram(DurationName, "Span durations in seconds", DefaultBuckets, labels));
    }
}
