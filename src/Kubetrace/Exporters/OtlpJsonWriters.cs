using System.Buffers;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Exporters;

/// <summary>Writes the OTLP JSON of a request into a buffer (file exporter lines, otlphttp JSON bodies).</summary>
public delegate void OtlpJsonWriter(IBufferWriter<byte> output, ExportTraceServiceRequest request);

/// <summary>The OTLP JSON writer the exporters use unless a test passes another.</summary>
public static class OtlpJsonWriters
{
    public static OtlpJsonWriter Default { get; } = (output, request) => OtlpJson.WriteTo(output, request);
}
