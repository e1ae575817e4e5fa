namespace Kubetrace.Otlp.Validation;

/// <summary>
/// How large one span may be when it is accepted (the <c>otlp</c> receiver's <c>span_limits</c>, docs/api.md): as
/// the OpenTelemetry SDKs' span limits and Tempo's <c>max_attribute_bytes</c>, what is over a limit is cut and
/// counted in the span's <c>dropped_*_count</c> fields, and the partial_success message says what was cut; a span
/// still larger than <see cref="MaxSpanBytes"/> after that is refused. The cuts bound the memory one request can
/// claim however well it compresses (a 19 MiB value gzips to a few KB).
/// </summary>
public sealed record SpanLimits
{
    public static SpanLimits Default { get; } = new();

    /// <summary>Longer string and bytes values (attributes of spans, resources, scopes, events, links; nested
    /// values too) are cut to this many bytes (at a UTF-8 character boundary). Tempo's default is 2048.</summary>
    public int MaxAttributeValueBytes { get; init; } = 4096;

    /// <summary>Attributes kept per span, event, link, resource or scope (the SDKs' default 128).</summary>
    public int MaxAttributesPerSpan { get; init; } = 128;

    /// <summary>Events kept per span (the SDKs' default 128).</summary>
    public int MaxEventsPerSpan { get; init; } = 128;

    /// <summary>Links kept per span (the SDKs' default 128).</summary>
    public int MaxLinksPerSpan { get; init; } = 128;

    /// <summary>A span still larger than this (protobuf bytes) after the cuts is refused.</summary>
    public int MaxSpanBytes { get; init; } = 256 * 1024;

    /// <summary>The smallest value limit accepted: the wire scanner's fast path takes values under 128 bytes as
    /// within every limit.</summary>
    public const int MinAttributeValueBytes = 128;
}
