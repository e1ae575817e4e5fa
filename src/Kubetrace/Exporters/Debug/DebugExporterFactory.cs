using Kubetrace.Components;
using Kubetrace.Exporters.Helper;

namespace Kubetrace.Exporters.Debug;

/// <summary><c>debug</c>: prints what passes through the pipeline. Output goes to stdout unless a writer is given (tests).</summary>
public sealed class DebugExporterFactory(TextWriter? output = null, TimeProvider? time = null)
    : ExporterFactory<DebugExporterConfig>("debug")
{
    protected override IExportSink CreateSink(ComponentSettings settings, DebugExporterConfig config) =>
        CreateDebugSink(config, output, time);

    /// <summary>The one debug implementation, shared with the deprecated <c>logging</c> exporter.</summary>
    internal static IExportSink CreateDebugSink(DebugExporterConfig config, TextWriter? output, TimeProvider? time) =>
        new DebugSink(config, output ?? Console.Out, time ?? TimeProvider.System);
}
