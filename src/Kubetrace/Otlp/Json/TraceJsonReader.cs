using System.Text.Json;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Otlp.Json;

/// <summary>Reads the OTLP trace messages, from ExportTraceServiceRequest down to span events and links.</summary>
/// <remarks>Same conventions as <see cref="CommonJsonReader"/>.</remarks>
internal static class TraceJsonReader
{
    private static readonly JsonElementReader<ResourceSpans> ResourceSpansReader = ReadResourceSpans;
    private static readonly JsonElementReader<ScopeSpans> ScopeSpansReader = ReadScopeSpans;
    private static readonly JsonElementReader<Span> SpanReader = ReadSpan;
    private static readonly JsonFieldReader<ExportTraceServiceRequest> RequestFields = ReadRequestField;
    private static readonly JsonFieldReader<ResourceSpans> ResourceSpansFields = ReadResourceSpansField;
    private static readonly JsonFieldReader<ScopeSpans> ScopeSpansFields = ReadScopeSpansField;
    private static readonly JsonFieldReader<Span> SpanFields = ReadSpanField;
    private static readonly JsonFieldReader<Span.Types.Event> EventFields = ReadEventField;
    private static readonly JsonFieldReader<Span.Types.Link> LinkFields = ReadLinkField;
    private static readonly JsonFieldReader<Status> StatusFields = ReadStatusField;

    private static readonly JsonElementReader<Span.Types.Event> EventReader =
        static (ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new Span.Types.Event(), EventFields);
    private static readonly JsonElementReader<Span.Types.Link> LinkReader =
        static (ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new Span.Types.Link(), LinkFields);

    public static ExportTraceServiceRequest ReadRequest(ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new ExportTraceServiceRequest(), RequestFields);

    public static ResourceSpans ReadResourceSpans(ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new ResourceSpans(), ResourceSpansFields);

    public static ScopeSpans ReadScopeSpans(ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new ScopeSpans(), ScopeSpansFields);

    public static Span ReadSpan(ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new Span(), SpanFields);

    private static bool ReadRequestField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, ExportTraceServiceRequest request, ref string field)
    {
        if (name is not "resourcespans") return false;
        field = "resourceSpans";
        JsonArray.Read(ref reader, request.ResourceSpans, ResourceSpansReader);
        return true;
    }

    private static bool ReadResourceSpansField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, ResourceSpans resourceSpans, ref string field)
    {
        switch (name)
        {
            case "resource": field = "resource"; resourceSpans.Resource = CommonJsonReader.ReadResource(ref reader); return true;
            case "scopespans": field = "scopeSpans"; JsonArray.Read(ref reader, resourceSpans.ScopeSpans, ScopeSpansReader); return true;
            // OTLP before 0.15 named the list instrumentationLibrarySpans; same layout as scopeSpans.
            case "instrumentationlibraryspans": field = "instrumentationLibrarySpans"; JsonArray.Read(ref reader, resourceSpans.ScopeSpans, ScopeSpansReader); return true;
            case "schemaurl": field = "schemaUrl"; resourceSpans.SchemaUrl = JsonValueReader.ReadString(ref reader); return true;
            default: return false;
        }
    }

    private static bool ReadScopeSpansField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, ScopeSpans scopeSpans, ref string field)
    {
        switch (name)
        {
            case "scope": field = "scope"; scopeSpans.Scope = CommonJsonReader.ReadScope(ref reader); return true;
            // OTLP before 0.15: instrumentationLibrary {name, version}, a subset of scope.
            case "instrumentationlibrary": field = "instrumentationLibrary"; scopeSpans.Scope = CommonJsonReader.ReadScope(ref reader); return true;
            case "spans": field = "spans"; JsonArray.Read(ref reader, scopeSpans.Spans, SpanReader); return true;
            case "schemaurl": field = "schemaUrl"; scopeSpans.SchemaUrl = JsonValueReader.ReadString(ref reader); return true;
            default: return false;
        }
    }

    private static bool ReadSpanField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, Span span, ref string field)
    {
        switch (name)
        {
            case "traceid": field = "traceId"; span.TraceId = JsonValueReader.ReadHexBytes(ref reader); return true;
            case "spanid": field = "spanId"; span.SpanId = JsonValueReader.ReadHexBytes(ref reader); return true;
            case "tracestate": field = "traceState"; span.TraceState = JsonValueReader.ReadString(ref reader); return true;
            case "parentspanid": field = "parentSpanId"; span.ParentSpanId = JsonValueReader.ReadHexBytes(ref reader); return true;
            case "flags": field = "flags"; span.Flags = JsonValueReader.ReadUInt32(ref reader); return true;
            case "name": field = "name"; span.Name = JsonValueReader.ReadString(ref reader); return true;
            case "kind": field = "kind"; span.Kind = JsonValueReader.ReadEnum<Span.Types.SpanKind>(ref reader, "SPAN_KIND_"); return true;
            case "starttimeunixnano": field = "startTimeUnixNano"; span.StartTimeUnixNano = JsonValueReader.ReadUInt64(ref reader); return true;
            case "endtimeunixnano": field = "endTimeUnixNano"; span.EndTimeUnixNano = JsonValueReader.ReadUInt64(ref reader); return true;
            case "attributes": field = "attributes"; JsonArray.Read(ref reader, span.Attributes, CommonJsonReader.KeyValueReader); return true;
            case "droppedattributescount": field = "droppedAttributesCount"; span.DroppedAttributesCount = JsonValueReader.ReadUInt32(ref reader); return true;
            case "events": field = "events"; JsonArray.Read(ref reader, span.Events, EventReader); return true;
            case "droppedeventscount": field = "droppedEventsCount"; span.DroppedEventsCount = JsonValueReader.ReadUInt32(ref reader); return true;
            case "links": field = "links"; JsonArray.Read(ref reader, span.Links, LinkReader); return true;
            case "droppedlinkscount": field = "droppedLinksCount"; span.DroppedLinksCount = JsonValueReader.ReadUInt32(ref reader); return true;
            case "status": field = "status"; span.Status = JsonObject.Read(ref reader, new Status(), StatusFields); return true;
            default: return false;
        }
    }

    private static bool ReadEventField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, Span.Types.Event spanEvent, ref string field)
    {
        switch (name)
        {
            case "timeunixnano": field = "timeUnixNano"; spanEvent.TimeUnixNano = JsonValueReader.ReadUInt64(ref reader); return true;
            case "name": field = "name"; spanEvent.Name = JsonValueReader.ReadString(ref reader); return true;
            case "attributes": field = "attributes"; JsonArray.Read(ref reader, spanEvent.Attributes, CommonJsonReader.KeyValueReader); return true;
            case "droppedattributescount": field = "droppedAttributesCount"; spanEvent.DroppedAttributesCount = JsonValueReader.ReadUInt32(ref reader); return true;
            default: return false;
        }
    }

    private static bool ReadLinkField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, Span.Types.Link link, ref string field)
    {
        switch (name)
        {
            case "traceid": field = "traceId"; link.TraceId = JsonValueReader.ReadHexBytes(ref reader); return true;
            case "spanid": field = "spanId"; link.SpanId = JsonValueReader.ReadHexBytes(ref reader); return true;
            case "tracestate": field = "traceState"; link.TraceState = JsonValueReader.ReadString(ref reader); return true;
            case "attributes": field = "attributes"; JsonArray.Read(ref reader, link.Attributes, CommonJsonReader.KeyValueReader); return true;
            case "droppedattributescount": field = "droppedAttributesCount"; link.DroppedAttributesCount = JsonValueReader.ReadUInt32(ref reader); return true;
            case "flags": field = "flags"; link.Flags = JsonValueReader.ReadUInt32(ref reader); return true;
            default: return false;
        }
    }

    private static bool ReadStatusField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, Status status, ref string field)
    {
        switch (name)
        {
            case "message": field = "message"; status.Message = JsonValueReader.ReadString(ref reader); return true;
            case "code": field = "code"; status.Code = JsonValueReader.ReadEnum<Status.Types.StatusCode>(ref reader, "STATUS_CODE_"); return true;
            default: return false;
        }
    }
}
