using System.Text;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Otlp.Validation;

/// <summary>
/// Cuts a decoded request to its <see cref="SpanLimits"/>, in place: long values are shortened, attributes, events
/// and links beyond their counts are dropped and added to the <c>dropped_*_count</c> fields, and spans still over
/// <see cref="SpanLimits.MaxSpanBytes"/> are refused into the <see cref="RejectionReport"/>. Returns what was cut,
/// for the partial_success message.
/// </summary>
public static class SpanTrimmer
{
    public static string? Apply(ExportTraceServiceRequest request, SpanLimits limits, RejectionReport rejected)
    {
        var cuts = new Cuts();
        var spanIndex = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            if (resourceSpans.Resource is { } resource)
                resource.DroppedAttributesCount += Attributes(resource.Attributes, limits, cuts);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                if (scopeSpans.Scope is { } scope) scope.DroppedAttributesCount += Attributes(scope.Attributes, limits, cuts);
                for (var i = 0; i < scopeSpans.Spans.Count; i++, spanIndex++)
                {
                    var span = scopeSpans.Spans[i];
                    Trim(span, limits, cuts);
                    var size = span.CalculateSize();
                    if (size <= limits.MaxSpanBytes) continue;
                    rejected.Add(spanIndex, span.Name, $"{size} bytes after cutting to the span limits, more than max_span_bytes ({limits.MaxSpanBytes})");
                    scopeSpans.Spans.RemoveAt(i--);
                }
            }
        }
        return cuts.ToMessage(limits);
    }

    private static void Trim(Span span, SpanLimits limits, Cuts cuts)
    {
        span.DroppedAttributesCount += Attributes(span.Attributes, limits, cuts);
        span.DroppedEventsCount += Truncate(span.Events, limits.MaxEventsPerSpan, ref cuts.Events);
        span.DroppedLinksCount += Truncate(span.Links, limits.MaxLinksPerSpan, ref cuts.Links);
        foreach (var e in span.Events) e.DroppedAttributesCount += Attributes(e.Attributes, limits, cuts);
        foreach (var link in span.Links) link.DroppedAttributesCount += Attributes(link.Attributes, limits, cuts);
    }

    private static uint Attributes(RepeatedField<KeyValue> attributes, SpanLimits limits, Cuts cuts)
    {
        var dropped = Truncate(attributes, limits.MaxAttributesPerSpan, ref cuts.Attributes);
        foreach (var attribute in attributes) Value(attribute.Value, limits, cuts);
        return dropped;
    }

    private static void Value(AnyValue? value, SpanLimits limits, Cuts cuts)
    {
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue when Encoding.UTF8.GetByteCount(value.StringValue) > limits.MaxAttributeValueBytes:
                value.StringValue = Utf8Prefix(value.StringValue, limits.MaxAttributeValueBytes);
                cuts.Values++;
                break;
            case AnyValue.ValueOneofCase.BytesValue when value.BytesValue.Length > limits.MaxAttributeValueBytes:
                value.BytesValue = ByteString.CopyFrom(value.BytesValue.Span[..limits.MaxAttributeValueBytes]);
                cuts.Values++;
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                foreach (var element in value.ArrayValue.Values) Value(element, limits, cuts);
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                foreach (var pair in value.KvlistValue.Values) Value(pair.Value, limits, cuts);
                break;
        }
    }

    /// <summary>
    /// How much of a value longer than <paramref name="limit"/> a decoder may keep before the parse (the wire shortener,
    /// the JSON reader): one byte past the limit (bytes) or the character that crosses it (valid UTF-8 text), so that
    /// this trimmer still cuts it where it would have and counts it. Within a few bytes of the limit nothing is gained:
    /// the whole length.
    /// </summary>
    public static int KeptBeforeParse(ReadOnlySpan<byte> value, int limit, bool utf8)
    {
        if (value.Length <= limit + 4) return value.Length;
        var end = limit + 1;
        if (utf8)
            while (end < value.Length && (value[end] & 0xC0) == 0x80) end++; // value[end] continues the character that starts before it
        return end;
    }

    /// <summary>The longest prefix of <paramref name="text"/> whose UTF-8 fits <paramref name="maxBytes"/>, never
    /// splitting a character.</summary>
    private static string Utf8Prefix(string text, int maxBytes)
    {
        var bytes = 0;
        var length = 0;
        while (length < text.Length)
        {
            var step = char.IsHighSurrogate(text[length]) && length + 1 < text.Length ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(text.AsSpan(length, step));
            if (bytes + size > maxBytes) break;
            bytes += size;
            length += step;
        }
        return text[..length];
    }

    private static uint Truncate<T>(RepeatedField<T> items, int max, ref int counter)
    {
        if (items.Count <= max) return 0;
        var dropped = items.Count - max;
        while (items.Count > max) items.RemoveAt(items.Count - 1);
        counter += dropped;
        return (uint)dropped;
    }

    private sealed class Cuts
    {
        public int Values, Attributes, Events, Links;

        public string? ToMessage(SpanLimits limits)
        {
            var parts = new List<string>();
            if (Values > 0) parts.Add($"{Values} values cut to {limits.MaxAttributeValueBytes} bytes (max_attribute_value_bytes)");
            if (Attributes > 0) parts.Add($"{Attributes} attributes dropped (max_attributes_per_span {limits.MaxAttributesPerSpan})");
            if (Events > 0) parts.Add($"{Events} events dropped (max_events_per_span {limits.MaxEventsPerSpan})");
            if (Links > 0) parts.Add($"{Links} links dropped (max_links_per_span {limits.MaxLinksPerSpan})");
            return parts.Count == 0 ? null : "cut to the span limits: " + string.Join(", ", parts);
        }
    }
}
