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
            _ => new JsonLineEncoder(jsonWriter ?? OtlpJsonWriters.Default),
        };
        return new FileSink(config, encoder, time ?? TimeProvider.System);
    }
}
