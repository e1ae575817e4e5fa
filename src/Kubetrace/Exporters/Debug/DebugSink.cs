using System.Text;
using Kubetrace.Exporters.Helper;
using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.Debug;

/// <summary>
/// Prints batches to a text writer (the console in production, a StringWriter in tests): a summary line per
/// batch, followed at normal verbosity by a line per span and at detailed verbosity by every field.
/// Printing per span is this exporter's purpose, so it is the one place that does it.
/// </summary>
internal sealed class DebugSink(DebugExporterConfig config, TextWriter output, TimeProvider time) : IExportSink
{
    private readonly OutputSampler _sampler = new(config.SamplingInitial, config.SamplingThereafter, time);
    private readonly object _writeGate = new();

    public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        if (!_sampler.ShouldPrint()) return ValueTask.CompletedTask;
        var request = batch.Request;
        var text = new StringBuilder();
        text.Append("Traces {resource spans: ").Append(request.ResourceSpans.Count)
            .Append(", spans: ").Append(batch.SpanCount).Append("}\n");
        switch (config.Verbosity)
        {
            case Verbosity.Normal: NormalTraceText.Append(text, request); break;
            case Verbosity.Detailed: DetailedTraceText.Append(text, request); break;
        }
        // One write per batch under a lock, so that concurrent batches never interleave their lines.
        lock (_writeGate)
        {
            output.Write(text);
            output.Flush();
        }
        return ValueTask.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        lock (_writeGate) output.Flush();
        return Task.CompletedTask;
    }
}
