namespace Kubetrace.Otlp.Wire;

/// <summary>What <see cref="TraceRequestScanner"/> learned about a request without materialising it.</summary>
public struct ScanResult
{
    public int SpanCount;

    /// <summary>Spans that break a rule of <see cref="Validation.SpanRules"/>.</summary>
    public int InvalidSpanCount;

    /// <summary>ResourceSpans field 1000 (<c>instrumentation_library_spans</c> of OTLP 0.15-0.19 exporters) is present.</summary>
    public bool HasLegacyScopeSpans;

    /// <summary>Something is over one of <see cref="Limits"/> (a value, a count, a span's size): the request must be cut.</summary>
    public bool ExceedsLimits;

    /// <summary>A string or bytes value is longer than <see cref="Validation.SpanLimits.MaxAttributeValueBytes"/>
    /// (<see cref="LongValueShortener"/> shortens it before the parse).</summary>
    public bool HasLongValues;

    /// <summary>The limits the scan checked against.</summary>
    public Validation.SpanLimits? Limits;

    /// <summary>The bytes can be passed on as they are: every span valid, within its limits, and nothing to fold.</summary>
    public readonly bool IsPassThrough => InvalidSpanCount == 0 && !HasLegacyScopeSpans && !ExceedsLimits;
}
