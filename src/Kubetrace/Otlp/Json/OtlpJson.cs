using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Otlp.Json;

/// <summary>
/// The OTLP JSON encoding of the trace messages (used by OTLP/HTTP JSON, the file exporter and the debug exporter).
/// </summary>
/// <remarks>
/// OTLP JSON differs from the standard proto3 JSON mapping: trace and span IDs are hex (case-insensitive when
/// read), enums are integers (names accepted when read), 64-bit integers are decimal strings (numbers accepted
/// when read). Keys are written lowerCamelCase; snake_case keys are accepted when read, and unknown keys ignored.
/// Reading and writing go straight through <see cref="Utf8JsonReader"/> / <see cref="Utf8JsonWriter"/>: no
/// reflection, no intermediate DOM. Decoding errors are <see cref="OtlpJsonException"/> with the path of the value.
/// </remarks>
public static class OtlpJson
{
    /// <summary>Deep AnyValue nesting is legal but bounded, like protobuf's recursion limit.</summary>
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 100 };

    /// <summary>Options for writers that produce OTLP JSON: compact, and non-ASCII text left readable.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonWriterOptions IndentedWriterOptions { get; } =
        new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    // ---- writing ----

    public static void Write(Utf8JsonWriter writer, ExportTraceServiceRequest request) => TraceJsonWriter.WriteRequest(writer, request);

    public static void Write(Utf8JsonWriter writer, ResourceSpans resourceSpans) => TraceJsonWriter.WriteResourceSpans(writer, resourceSpans);

    public static void Write(Utf8JsonWriter writer, Span span) => TraceJsonWriter.WriteSpan(writer, span);

    public static void Write(Utf8JsonWriter writer, ExportTraceServiceResponse response) => ExportResponseJson.Write(writer, response);

    public static void Write(Utf8JsonWriter writer, Google.Rpc.Status status) => RpcStatusJson.Write(writer, status);

    /// <summary>Appends the JSON of <paramref name="request"/> to <paramref name="output"/> (e.g. an ArrayBufferWriter or a PipeWriter).</summary>
    public static void WriteTo(IBufferWriter<byte> output, ExportTraceServiceRequest request, bool indented = false) =>
        WriteTo(output, request, static (w, r) => Write(w, r), indented);

    public static void WriteTo(IBufferWriter<byte> output, ExportTraceServiceResponse response) =>
        WriteTo(output, response, static (w, r) => Write(w, r), false);

    public static void WriteTo(IBufferWriter<byte> output, Google.Rpc.Status status) =>
        WriteTo(output, status, static (w, s) => Write(w, s), false);

    public static byte[] ToUtf8Bytes(ExportTraceServiceRequest request, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteTo(buffer, request, indented);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] ToUtf8Bytes(ExportTraceServiceResponse response)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        WriteTo(buffer, response);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] ToUtf8Bytes(Google.Rpc.Status status)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        WriteTo(buffer, status);
        return buffer.WrittenSpan.ToArray();
    }

    // ---- reading ----

    /// <exception cref="OtlpJsonException">The text is not JSON or not an ExportTraceServiceRequest.</exception>
    /// <param name="keepValueBytes">String values much longer than this are read only one character past it (0: read
    /// whole); the receiver passes its max_attribute_value_bytes, which the trimmer then applies.</param>
    public static ExportTraceServiceRequest ParseRequest(ReadOnlySpan<byte> utf8, int keepValueBytes = 0)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        var outer = CommonJsonReader.KeepValueBytes;
        CommonJsonReader.KeepValueBytes = keepValueBytes;
        try
        {
            return ReadDocument(ref reader, TraceJsonReader.ReadRequest);
        }
        finally
        {
            CommonJsonReader.KeepValueBytes = outer;
        }
    }

    /// <exception cref="OtlpJsonException">The text is not JSON or not an ExportTraceServiceRequest.</exception>
    public static ExportTraceServiceRequest ParseRequest(in ReadOnlySequence<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        return ReadDocument(ref reader, TraceJsonReader.ReadRequest);
    }

    public static ExportTraceServiceResponse ParseResponse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        return ReadDocument(ref reader, ExportResponseJson.Read);
    }

    public static Google.Rpc.Status ParseStatus(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        return ReadDocument(ref reader, RpcStatusJson.Read);
    }

    /// <summary>Reads exactly one top-level value: empty input and trailing content are errors.</summary>
    private static T ReadDocument<T>(ref Utf8JsonReader reader, JsonElementReader<T> read)
    {
        try
        {
            if (!reader.Read()) throw new OtlpJsonException("empty body: expected a JSON object");
            var result = read(ref reader);
            if (reader.Read()) throw new OtlpJsonException("unexpected content after the JSON object");
            return result;
        }
        catch (JsonException e)
        {
            throw OtlpJsonException.Syntax(e);
        }
    }

    private static void WriteTo<T>(IBufferWriter<byte> output, T message, Action<Utf8JsonWriter, T> write, bool indented)
    {
        using var writer = new Utf8JsonWriter(output, indented ? IndentedWriterOptions : WriterOptions);
        write(writer, message);
        writer.Flush();
    }
}
