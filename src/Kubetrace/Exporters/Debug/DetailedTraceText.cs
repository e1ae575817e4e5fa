using System.Text;
using Google.Protobuf.Collections;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Exporters.Debug;

/// <summary>
/// The <c>detailed</c> verbosity: every field of every span, laid out line for line as the Collector's debug
/// exporter does (ResourceSpans #i, ScopeSpans #j, Span #k with aligned field names, attributes as
/// <c>-> key: Type(value)</c>, events, links), so that people and tools used to that output can read ours.
/// </summary>
internal static class DetailedTraceText
{
    private const string AttributePrefix = "     ->";

    public static void Append(StringBuilder text, ExportTraceServiceRequest request)
    {
        for (var i = 0; i < request.ResourceSpans.Count; i++)
        {
            var resourceSpans = request.ResourceSpans[i];
            text.Append("ResourceSpans #").Append(i).Append('\n');
            text.Append("Resource SchemaURL: ").Append(resourceSpans.SchemaUrl).Append('\n');
            AppendAttributes(text, "Resource attributes", "", resourceSpans.Resource?.Attributes);
            for (var j = 0; j < resourceSpans.ScopeSpans.Count; j++)
            {
                var scopeSpans = resourceSpans.ScopeSpans[j];
                text.Append("ScopeSpans #").Append(j).Append('\n');
                text.Append("ScopeSpans SchemaURL: ").Append(scopeSpans.SchemaUrl).Append('\n');
                text.Append("InstrumentationScope ").Append(scopeSpans.Scope?.Name).Append(' ')
                    .Append(scopeSpans.Scope?.Version).Append('\n');
                AppendAttributes(text, "InstrumentationScope attributes", "", scopeSpans.Scope?.Attributes);
                for (var k = 0; k < scopeSpans.Spans.Count; k++)
                {
                    text.Append("Span #").Append(k).Append('\n');
                    AppendSpan(text, scopeSpans.Spans[k]);
                }
            }
        }
    }

    private static void AppendSpan(StringBuilder text, Span span)
    {
        Field(text, "Trace ID"); GoText.AppendId(text, span.TraceId); text.Append('\n');
        Field(text, "Parent ID"); GoText.AppendId(text, span.ParentSpanId); text.Append('\n');
        Field(text, "ID"); GoText.AppendId(text, span.SpanId); text.Append('\n');
        Field(text, "Name"); text.Append(span.Name).Append('\n');
        Field(text, "Kind"); text.Append(GoText.KindName(span.Kind)).Append('\n');
        if (span.TraceState.Length > 0) { Field(text, "TraceState"); text.Append(span.TraceState).Append('\n'); }
        Field(text, "Start time"); GoText.AppendTimestamp(text, span.StartTimeUnixNano); text.Append('\n');
        Field(text, "End time"); GoText.AppendTimestamp(text, span.EndTimeUnixNano); text.Append('\n');
        Field(text, "Status code");
        text.Append(GoText.StatusName(span.Status?.Code ?? Status.Types.StatusCode.Unset)).Append('\n');
        Field(text, "Status message"); text.Append(span.Status?.Message).Append('\n');
        AppendAttributes(text, "Attributes", "", span.Attributes);
        AppendEvents(text, span.Events);
        AppendLinks(text, span.Links);
    }

    private static void AppendEvents(StringBuilder text, RepeatedField<Span.Types.Event> events)
    {
        if (events.Count == 0) return;
        text.Append("Events:\n");
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            text.Append("SpanEvent #").Append(i).Append('\n');
            text.Append(AttributePrefix).Append(" Name: ").Append(e.Name).Append('\n');
            text.Append(AttributePrefix).Append(" Timestamp: ");
            GoText.AppendTimestamp(text, e.TimeUnixNano);
            text.Append('\n');
            text.Append(AttributePrefix).Append(" DroppedAttributesCount: ").Append(e.DroppedAttributesCount).Append('\n');
            AppendAttributes(text, AttributePrefix + " Attributes:", "     ", e.Attributes);
        }
    }

    private static void AppendLinks(StringBuilder text, RepeatedField<Span.Types.Link> links)
    {
        if (links.Count == 0) return;
        text.Append("Links:\n");
        for (var i = 0; i < links.Count; i++)
        {
            var link = links[i];
            text.Append("SpanLink #").Append(i).Append('\n');
            text.Append(AttributePrefix).Append(" Trace ID: "); GoText.AppendId(text, link.TraceId); text.Append('\n');
            text.Append(AttributePrefix).Append(" ID: "); GoText.AppendId(text, link.SpanId); text.Append('\n');
            text.Append(AttributePrefix).Append(" TraceState: ").Append(link.TraceState).Append('\n');
            text.Append(AttributePrefix).Append(" DroppedAttributesCount: ").Append(link.DroppedAttributesCount).Append('\n');
            AppendAttributes(text, AttributePrefix + " Attributes:", "     ", link.Attributes);
        }
    }

    /// <summary>A header line, then one "-> key: Type(value)" line per attribute; nothing when there are none.
    /// Nested lists (event and link attributes) are indented by <paramref name="indent"/>.</summary>
    private static void AppendAttributes(StringBuilder text, string header, string indent, RepeatedField<KeyValue>? attributes)
    {
        if (attributes is null || attributes.Count == 0) return;
        text.Append(header).Append(":\n");
        foreach (var attribute in attributes)
        {
            text.Append(indent).Append(AttributePrefix).Append(' ').Append(attribute.Key).Append(": ");
            AttributeText.AppendTyped(text, attribute.Value);
            text.Append('\n');
        }
    }

    // Go's "    %-15s: %s": four spaces, the name left-aligned in 15 columns.
    private static void Field(StringBuilder text, string name) => text.Append("    ").Append(name.PadRight(15)).Append(": ");
}
