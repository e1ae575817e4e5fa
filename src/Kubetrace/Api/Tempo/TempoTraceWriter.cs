using System.Text.Json;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Api.Tempo;

/// <summary>
/// A trace as Tempo returns it. Protobuf: <c>tempopb.Trace</c>, whose wire shape is OTLP's
/// <c>repeated ResourceSpans = 1</c> (the same bytes as an ExportTraceServiceRequest); v2 wraps it as field 1 of
/// TraceByIDResponse. JSON: v1 <c>{"batches":[...]}</c>, v2 <c>{"trace":{"resourceSpans":[...]},"status":"COMPLETE"}</c>,
/// in the proto3 JSON mapping as Tempo's jsonpb writes it: trace and span IDs as <b>base64</b> (bytes fields; not
/// hex as OTLP/JSON specifies), 64-bit integers as decimal strings, enums as numbers, defaults left out
/// (see ../shared/conformance/tempo_api.md and tempo/example_trace_vulture_jsonpb.json).
/// </summary>
public static class TempoTraceWriter
{
    private static readonly JsonFormatter Jsonpb = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    public static byte[] Protobuf(IReadOnlyList<ResourceSpans> trace, bool v2)
    {
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.AddRange(trace);
        var traceBytes = request.ToByteArray();
        if (!v2) return traceBytes;
        using var buffer = new MemoryStream(traceBytes.Length + 8);
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(UnsafeByteOperations.UnsafeWrap(traceBytes));
        }
        return buffer.ToArray();
    }

    public static void Json(Utf8JsonWriter w, IReadOnlyList<ResourceSpans> trace, bool v2)
    {
        w.WriteStartObject();
        if (v2) w.WriteStartObject("trace");
        w.WriteStartArray(v2 ? "resourceSpans" : "batches");
        foreach (var resourceSpans in trace) w.WriteRawValue(Jsonpb.Format(resourceSpans), skipInputValidation: true);
        w.WriteEndArray();
        if (v2)
        {
            w.WriteEndObject();
            w.WriteString("status", "COMPLETE");
        }
        w.WriteEndObject();
    }
}
