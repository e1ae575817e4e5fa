using System.Text.Json;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Otlp.Json;

/// <summary>Writes the OTLP trace messages. IDs as hex, enums as integers, 64-bit times as decimal strings.</summary>
internal static class TraceJsonWriter
{
    public static void WriteRequest(Utf8JsonWriter writer, ExportTraceServiceRequest request)
    {
        writer.WriteStartObject();
        writer.WriteStartArray(JsonKeys.ResourceSpans);
        foreach (var resourceSpans in request.ResourceSpans) WriteResourceSpans(writer, resourceSpans);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteResourceSpans(Utf8JsonWriter writer, ResourceSpans resourceSpans)
    {
        writer.WriteStartObject();
        if (resourceSpans.Resource is not null)
        {
            writer.WritePropertyName(JsonKeys.Resource);
            CommonJsonWriter.WriteResource(writer, resourceSpans.Resource);
        }
        // Spans from old exporters (field 1000) are written as scopeSpans: the JSON form knows only the current name.
        writer.WriteStartArray(JsonKeys.ScopeSpans);
        foreach (var scopeSpans in resourceSpans.ScopeSpans) WriteScopeSpans(writer, scopeSpans);
        foreach (var scopeSpans in resourceSpans.InstrumentationLibrarySpans) WriteScopeSpans(writer, scopeSpans);
        writer.WriteEndArray();
        if (resourceSpans.SchemaUrl.Length != 0) writer.WriteString(JsonKeys.SchemaUrl, resourceSpans.SchemaUrl);
        writer.WriteEndObject();
    }

    public static void WriteScopeSpans(Utf8JsonWriter writer, ScopeSpans scopeSpans)
    {
        writer.WriteStartObject();
        if (scopeSpans.Scope is not null)
        {
            writer.WritePropertyName(JsonKeys.Scope);
            CommonJsonWriter.WriteScope(writer, scopeSpans.Scope);
        }
        writer.WriteStartArray(JsonKeys.Spans);
        foreach (var span in scopeSpans.Spans) WriteSpan(writer, span);
        writer.WriteEndArray();
        if (scopeSpans.SchemaUrl.Length != 0) writer.WriteString(JsonKeys.SchemaUrl, scopeSpans.SchemaUrl);
        writer.WriteEndObject();
    }

    public static void WriteSpan(Utf8JsonWriter writer, Span span)
    {
        writer.WriteStartObject();
        JsonValueWriter.WriteHex(writer, JsonKeys.TraceId, span.TraceId);
        JsonValueWriter.WriteHex(writer, JsonKeys.SpanId, span.SpanId);
        if (span.TraceState.Length != 0) writer.WriteString(JsonKeys.TraceState, span.TraceState);
        if (!span.ParentSpanId.IsEmpty) JsonValueWriter.WriteHex(writer, JsonKeys.ParentSpanId, span.ParentSpanId);
        if (span.Flags != 0) writer.WriteNumber(JsonKeys.Flags, span.Flags);
        writer.WriteString(JsonKeys.Name, span.Name);
        if (span.Kind != Span.Types.SpanKind.Unspecified) writer.WriteNumber(JsonKeys.Kind, (int)span.Kind);
        JsonValueWriter.WriteUInt64String(writer, JsonKeys.StartTimeUnixNano, span.StartTimeUnixNano);
        JsonValueWriter.WriteUInt64String(writer, JsonKeys.EndTimeUnixNano, span.EndTimeUnixNano);
        CommonJsonWriter.WriteAttributes(writer, span.Attributes);
        if (span.DroppedAttributesCount != 0) writer.WriteNumber(JsonKeys.DroppedAttributesCount, span.DroppedAttributesCount);
        if (span.Events.Count != 0)
        {
            writer.WriteStartArray(JsonKeys.Events);
            foreach (var spanEvent in span.Events) WriteEvent(writer, spanEvent);
            writer.WriteEndArray();
        }
        if (span.DroppedEventsCount != 0) writer.WriteNumber(JsonKeys.DroppedEventsCount, span.DroppedEventsCount);
        if (span.Links.Count != 0)
        {
            writer.WriteStartArray(JsonKeys.Links);
            foreach (var link in span.Links) WriteLink(writer, link);
            writer.WriteEndArray();
        }
        if (span.DroppedLinksCount != 0) writer.WriteNumber(JsonKeys.DroppedLinksCount, span.DroppedLinksCount);
        if (span.Status is not null) WriteStatus(writer, span.Status);
        writer.WriteEndObject();
    }

    private static void WriteEvent(Utf8JsonWriter writer, Span.Types.Event spanEvent)
    {
        writer.WriteStartObject();
        JsonValueWriter.WriteUInt64String(writer, JsonKeys.TimeUnixNano, spanEvent.TimeUnixNano);
        writer.WriteString(JsonKeys.Name, spanEvent.Name);
        CommonJsonWriter.WriteAttributes(writer, spanEvent.Attributes);
        if (spanEvent.DroppedAttributesCount != 0) writer.WriteNumber(JsonKeys.DroppedAttributesCount, spanEvent.DroppedAttributesCount);
        writer.WriteEndObject();
    }

    private static void WriteLink(Utf8JsonWriter writer, Span.Types.Link link)
    {
        writer.WriteStartObject();
        JsonValueWriter.WriteHex(writer, JsonKeys.TraceId, link.TraceId);
        JsonValueWriter.WriteHex(writer, JsonKeys.SpanId, link.SpanId);
        if (link.TraceState.Length != 0) writer.WriteString(JsonKeys.TraceState, link.TraceState);
        CommonJsonWriter.WriteAttributes(writer, link.Attributes);
        if (link.DroppedAttributesCount != 0) writer.WriteNumber(JsonKeys.DroppedAttributesCount, link.DroppedAttributesCount);
        if (link.Flags != 0) writer.WriteNumber(JsonKeys.Flags, link.Flags);
        writer.WriteEndObject();
    }

    private static void WriteStatus(Utf8JsonWriter writer, Status status)
    {
        writer.WriteStartObject(JsonKeys.Status);
        if (status.Message.Length != 0) writer.WriteString(JsonKeys.Message, status.Message);
        if (status.Code != Status.Types.StatusCode.Unset) writer.WriteNumber(JsonKeys.Code, (int)status.Code);
        writer.WriteEndObject();
    }
}
