using Kubetrace.Components;
using Kubetrace.Exporters.Helper;

namespace Kubetrace.Exporters.File;

/// <summary><c>file</c>: appends OTLP JSON lines (or length-prefixed protobuf) to a file, with optional rotation.</summary>
public sealed class FileExporterFactory(OtlpJsonWriter? jsonWriter = null, TimeProvider? time = null)
    : ExporterFactory<FileExporterConfig>("file")
{
    protected override IExportSink CreateSink(ComponentSettings settings, FileExporterConfig config)
    {
        IFileRecordEncoder encoder = config.Format switch
        {
            FileFormat.Proto => new ProtoRecordEncoder(),
            _ => new JsonLineEncoder(jsonWriter ?? DefaultJsonWriter),
        };
        return new FileSink(config, encoder, time ?? TimeProvider.System);
    }

    // TODO(receiver merge): Kubetrace.Otlp.Json.OtlpJson.WriteTo once the OTLP JSON codec is on main.
    private static void DefaultJsonWriter(System.Buffers.IBufferWriter<byte> output,
        Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest request) =>
        throw new NotSupportedException("the OTLP JSON writer is not available yet: use format: proto");
}
