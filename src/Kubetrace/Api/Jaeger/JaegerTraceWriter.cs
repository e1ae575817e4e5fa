using System.Text.Json;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query;
using Kubetrace.Storage;
using ConditionMatcher = Kubetrace.Storage.Query.ConditionMatcher;

namespace Kubetrace.Api.Jaeger;

/// <summary>
/// Writes a stored trace in Jaeger UI's JSON model: spans with typed tags, logs and CHILD_OF / FOLLOWS_FROM
/// references, times in microseconds, and a processes map (one process per distinct resource).
/// OTLP fields without a Jaeger field become the tags Jaeger's own translator adds (otel.scope.*, span.kind,
/// otel.status_code, otel.status_description, error).
/// </summary>
public static class JaegerTraceWriter
{
    public static void Write(Utf8JsonWriter writer, TraceId traceId, IReadOnlyList<ResourceSpans> trace)
    {
        var processIds = ProcessIds(trace);
        writer.WriteStartObject();
        writer.WriteString("traceID", JaegerIds.Format(traceId));
        writer.WriteStartArray("spans");
        foreach (var view in SpanView.All(trace)) WriteSpan(writer, view, processIds[view.Resource]);
        writer.WriteEndArray();
        writer.WriteStartObject("processes");
        foreach (var (resource, id) in processIds.DistinctBy(p => p.Value))
        {
            writer.WriteStartObject(id);
            writer.WriteString("serviceName", SpanView.ServiceNameOf(resource) is { Length: > 0 } name ? name : "OTLPResourceNoServiceName");
            writer.WriteStartArray("tags");
            foreach (var attribute in resource.Resource?.Attributes ?? [])
                if (attribute.Key != "service.name") JaegerTags.Write(writer, attribute.Key, attribute.Value);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteNull("warnings");
        writer.WriteEndObject();
    }

    /// <summary>p1, p2, … per distinct resource (equal resources sent in different batches share one process).</summary>
    private static Dictionary<ResourceSpans, string> ProcessIds(IReadOnlyList<ResourceSpans> trace)
    {
        var byResource = new Dictionary<ResourceSpans, string>(ReferenceEqualityComparer.Instance);
        var byContent = new Dictionary<Otlp.Proto.Resource.Resource, string>();
        foreach (var resource in trace)
        {
            var key = resource.Resource ?? new Otlp.Proto.Resource.Resource();
            if (!byContent.TryGetValue(key, out var id)) byContent[key] = id = $"p{byContent.Count + 1}";
            byResource[resource] = id;
        }
        return byResource;
    }

    private static void WriteSpan(Utf8JsonWriter writer, in SpanView view, string processId)
    {
        var span = view.Span;
        var traceId = JaegerIds.FormatTraceId(span.TraceId);
        writer.WriteStartObject();
        writer.WriteString("traceID", traceId);
        writer.WriteString("spanID", JaegerIds.FormatSpanId(span.SpanId));
        writer.WriteString("operationName", span.Name);
        writer.WriteStartArray("references");
        if (!span.ParentSpanId.IsEmpty && span.ParentSpanId.Span.ContainsAnyExcept((byte)0))
            WriteReference(writer, "CHILD_OF", traceId, JaegerIds.FormatSpanId(span.ParentSpanId));
        foreach (var link in span.Links)
            WriteReference(writer, "FOLLOWS_FROM", JaegerIds.FormatTraceId(link.TraceId), JaegerIds.FormatSpanId(link.SpanId));
        writer.WriteEndArray();
        writer.WriteNumber("startTime", (long)(span.StartTimeUnixNano / 1000));
        writer.WriteNumber("duration", view.DurationNanos / 1000);
        writer.WriteStartArray("tags");
        WriteTags(writer, view);
        writer.WriteEndArray();
        writer.WriteStartArray("logs");
        foreach (var spanEvent in span.Events)
        {
            writer.WriteStartObject();
            writer.WriteNumber("timestamp", (long)(spanEvent.TimeUnixNano / 1000));
            writer.WriteStartArray("fields");
            if (spanEvent.Name.Length > 0) JaegerTags.Write(writer, "event", spanEvent.Name);
            foreach (var attribute in spanEvent.Attributes) JaegerTags.Write(writer, attribute.Key, attribute.Value);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteString("processID", processId);
        writer.WriteNull("warnings");
        writer.WriteEndObject();
    }

    private static void WriteTags(Utf8JsonWriter writer, in SpanView view)
    {
        var span = view.Span;
        if (view.Scope.Scope is { } scope)
        {
            if (scope.Name.Length > 0) JaegerTags.Write(writer, "otel.scope.name", scope.Name);
            if (scope.Version.Length > 0) JaegerTags.Write(writer, "otel.scope.version", scope.Version);
        }
        foreach (var attribute in span.Attributes) JaegerTags.Write(writer, attribute.Key, attribute.Value);
        if (span.Kind != Span.Types.SpanKind.Unspecified)
            JaegerTags.Write(writer, "span.kind", ConditionMatcher.KindName((int)span.Kind));
        if (span.Status is { } status)
        {
            if (status.Code == Status.Types.StatusCode.Error)
            {
                JaegerTags.Write(writer, "otel.status_code", "ERROR");
                JaegerTags.Write(writer, "error", true);
            }
            else if (status.Code == Status.Types.StatusCode.Ok) JaegerTags.Write(writer, "otel.status_code", "OK");
            if (status.Message.Length > 0) JaegerTags.Write(writer, "otel.status_description", status.Message);
        }
        if (span.TraceState.Length > 0) JaegerTags.Write(writer, "w3c.tracestate", span.TraceState);
    }

    private static void WriteReference(Utf8JsonWriter writer, string type, string traceId, string spanId)
    {
        writer.WriteStartObject();
        writer.WriteString("refType", type);
        writer.WriteString("traceID", traceId);
        writer.WriteString("spanID", spanId);
        writer.WriteEndObject();
    }
}
