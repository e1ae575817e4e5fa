using Kubetrace.Components;
using Kubetrace.Otlp.Validation;

namespace Kubetrace.Receivers.Otlp;

/// <summary><c>receivers.otlp.span_limits</c>: what one received span may hold (<see cref="SpanLimits"/>).</summary>
public sealed class SpanLimitsConfig
{
    public int MaxAttributeValueBytes { get; set; } = SpanLimits.Default.MaxAttributeValueBytes;
    public int MaxAttributesPerSpan { get; set; } = SpanLimits.Default.MaxAttributesPerSpan;
    public int MaxEventsPerSpan { get; set; } = SpanLimits.Default.MaxEventsPerSpan;
    public int MaxLinksPerSpan { get; set; } = SpanLimits.Default.MaxLinksPerSpan;
    public int MaxSpanBytes { get; set; } = SpanLimits.Default.MaxSpanBytes;

    public SpanLimits ToLimits() => new()
    {
        MaxAttributeValueBytes = MaxAttributeValueBytes,
        MaxAttributesPerSpan = MaxAttributesPerSpan,
        MaxEventsPerSpan = MaxEventsPerSpan,
        MaxLinksPerSpan = MaxLinksPerSpan,
        MaxSpanBytes = MaxSpanBytes,
    };

    public IEnumerable<ConfigProblem> Validate()
    {
        if (MaxAttributeValueBytes < SpanLimits.MinAttributeValueBytes)
            yield return new("max_attribute_value_bytes", $"must be at least {SpanLimits.MinAttributeValueBytes} (got {MaxAttributeValueBytes})");
        if (MaxAttributesPerSpan < 0) yield return new("max_attributes_per_span", $"must not be negative (got {MaxAttributesPerSpan})");
        if (MaxEventsPerSpan < 0) yield return new("max_events_per_span", $"must not be negative (got {MaxEventsPerSpan})");
        if (MaxLinksPerSpan < 0) yield return new("max_links_per_span", $"must not be negative (got {MaxLinksPerSpan})");
        if (MaxSpanBytes < 1024) yield return new("max_span_bytes", $"must be at least 1024 (got {MaxSpanBytes})");
    }
}
