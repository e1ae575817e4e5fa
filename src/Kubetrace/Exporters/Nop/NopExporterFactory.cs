using Kubetrace.Components;
using Kubetrace.Exporters.Helper;
using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.Nop;

/// <summary>The <c>nop</c> exporter has no settings.</summary>
public sealed class NopExporterConfig;

/// <summary><c>nop</c>: accepts and discards everything (benchmarks, tests), still counted as sent.</summary>
public sealed class NopExporterFactory() : ExporterFactory<NopExporterConfig>("nop")
{
    protected override IExportSink CreateSink(ComponentSettings settings, NopExporterConfig config) => new NopSink();

    private sealed class NopSink : IExportSink
    {
        public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
