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
    private static readonly JsonElementReader<Span.Types.Event> EventReader = ReadEvent;
    private static readonly JsonElementReader<Span.Types.Link> LinkReader = ReadLink;

    public static ExportTraceServiceRequest ReadRequest(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var request = new ExportTraceServiceRequest();
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                switch (name)
                {
                    case "resourcespans": field = "resourceSpans"; JsonArray.Read(ref reader, request.ResourceSpans, ResourceSpansReader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return request;
    }

    public static ResourceSpans ReadResourceSpans(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var resourceSpans = new ResourceSpans();
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                switch (name)
                {
                    case "resource": field = "resource"; resourceSpans.Resource = CommonJsonReader.ReadResource(ref reader); break;
                    case "scopespans": field = "scopeSpans"; JsonArray.Read(ref reader, resourceSpans.ScopeSpans, ScopeSpansReader); break;
                    // OTLP before 0.15 named the list instrumentationLibrarySpans; same layout as scopeSpans.
                    case "instrumentationlibraryspans": field = "instrumentationLibrarySpans"; JsonArray.Read(ref reader, resourceSpans.ScopeSpans, ScopeSpansReader); break;
                    case "schemaurl": field = "schemaUrl"; resourceSpans.SchemaUrl = JsonValueReader.ReadString(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return resourceSpans;
    }

    public static ScopeSpans ReadScopeSpans(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var scopeSpans = new ScopeSpans();
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                switch (name)
                {
                    case "scope": field = "scope"; scopeSpans.Scope = CommonJsonReader.ReadScope(ref reader); break;
                    // OTLP before 0.15: instrumentationLibrary {name, version}, a subset of scope.
                    case "instrumentationlibrary": field = "instrumentationLibrary"; scopeSpans.Scope = CommonJsonReader.ReadScope(ref reader); break;
                    case "spans": field = "spans"; JsonArray.Read(ref reader, scopeSpans.Spans, SpanReader); break;
                    case "schemaurl": field = "schemaUrl"; scopeSpans.SchemaUrl = JsonValueReader.ReadString(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return scopeSpans;
    }

    public static Span ReadSpan(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var span = new Span();
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                switch (name)
                {
                    case "traceid": field = "traceId"; span.TraceId = JsonValueReader.ReadHexBytes(ref reader); break;
                    case "spanid": field = "spanId"; span.SpanId = JsonValueReader.ReadHexBytes(ref reader); break;
                    case "tracestate": field = "traceState"; span.TraceState = JsonValueReader.ReadString(ref reader); break;
                    case "parentspanid": field = "parentSpanId"; span.ParentSpanId = JsonValueReader.ReadHexBytes(ref reader); break;
                    case "flags": field = "flags"; span.Flags = JsonValueReader.ReadUInt32(ref reader); break;
                    case "name": field = "name"; span.Name = JsonValueReader.ReadString(ref reader); break;
                    case "kind": field = "kind"; span.Kind = JsonValueReader.ReadEnum<Span.Types.SpanKind>(ref reader, "SPAN_KIND_"); break;
                    case "starttimeunixnano": field = "startTimeUnixNano"; span.StartTimeUnixNano = JsonValueReader.ReadUInt64(ref reader); break;
                    case "endtimeunixnano": field = "endTimeUnixNano"; span.EndTimeUnixNano = JsonValueReader.ReadUInt64(ref reader); break;
                    case "attributes": field = "attributes"; JsonArray.Read(ref reader, span.Attributes, CommonJsonReader.KeyValueReader); break;
                    case "droppedattributescount": field = "droppedAttributesCount"; span.DroppedAttributesCount = JsonValueReader.ReadUInt32(ref reader); break;
                    case "events": field = "events"; JsonArray.Read(ref reader, span.Events, EventReader); break;
                    case "droppedeventscount": field = "droppedEventsCount"; span.DroppedEventsCount = JsonValueReader.ReadUInt32(ref reader); break;
                    case "links": field = "links"; JsonArray.Read(ref reader, span.Links, LinkReader); break;
                    case "droppedlinkscount": field = "droppedLinksCount"; span.DroppedLinksCount = JsonValueReader.ReadUInt32(ref reader); break;
                    case "status": field = "status"; span.Status = ReadStatus(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return span;
    }

    private static Span.Types.Event ReadEvent(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var spanEvent = new Span.Types.Event();
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                switch (name)
                {
                    case "timeunixnano": field = "timeUnixNano"; spanEvent.TimeUnixNano = JsonValueReader.ReadUInt64(ref reader); break;
                    case "name": field = "name"; spanEvent.Name = JsonValueReader.ReadString(ref reader); break;
                    case "attributes": field = "attributes"; JsonArray.Read(ref reader, spanEvent.Attributes, CommonJsonReader.KeyValueReader); break;
                    case "droppedattributescount": field = "droppedAttributesCount"; spanEvent.DroppedAttributesCount = JsonValueReader.ReadUInt32(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return spanEvent;
    }

    private static Span.Types.Link ReadLink(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var link = new Span.Types.Link();
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                switch (name)
                {
                    case "traceid": field = "traceId"; link.TraceId = JsonValueReader.ReadHexBytes(ref reader); break;
                    case "spanid": field = "spanId"; link.SpanId = JsonValueReader.ReadHexBytes(ref reader); break;
                    case "tracestate": field = "traceState"; link.TraceState = JsonValueReader.ReadString(ref reader); break;
                    case "attributes": field = "attributes"; JsonArray.Read(ref reader, link.Attributes, CommonJsonReader.KeyValueReader); break;
                    case "droppedattributescount": field = "droppedAttributesCount"; link.DroppedAttributesCount = JsonValueReader.ReadUInt32(ref reader); break;
                    case "flags": field = "flags"; link.Flags = JsonValueReader.ReadUInt32(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return link;
    }

    private static Status ReadStatus(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var status = new Status();
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                switch (name)
                {
                    case "message": field = "message"; status.Message = JsonValueReader.ReadString(ref reader); break;
                    case "code": field = "code"; status.Code = JsonValueReader.ReadEnum<Status.Types.StatusCode>(ref reader, "STATUS_CODE_"); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return status;
    }
}
