using System.Buffers;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Exporters;

/// <summary>Writes the OTLP JSON of a request into a buffer (file exporter lines, otlphttp JSON bodies).</summary>
public delegate void OtlpJsonWriter(IBufferWriter<byte> output, ExportTraceServiceRequest request);

/// <summary>The OTLP JSON writer the exporters use unless a test passes another.</summary>
public static class OtlpJsonWriters
{
    // TODO(receiver merge): Kubetrace.Otlp.Json.OtlpJson.WriteTo once the shared OTLP JSON codec is on main.
    public static OtlpJsonWriter Default { get; } = (_, _) =>
        throw new NotSupportedException("the OTLP JSON writer is not available in this build: use the proto encoding");
}
