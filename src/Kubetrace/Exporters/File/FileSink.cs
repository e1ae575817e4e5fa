using System.Buffers;
using Kubetrace.Exporters.Helper;
using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.File;

/// <summary>
/// Appends each batch as one record. Records are encoded into a reused buffer and appended through a 64 KB file
/// buffer, which is flushed every <c>flush_interval</c> and at shutdown, so that many small batches cost few
/// system calls.
/// </summary>
internal sealed class FileSink(FileExporterConfig config, IFileRecordEncoder encoder, TimeProvider time) : IExportSink
{
    private readonly object _gate = new();
    private readonly ArrayBufferWriter<byte> _record = new(64 * 1024);
    private RotatingFile? _file;
    private ITimer? _flushTimer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _file ??= new RotatingFile(config.Path, config.Rotation, time);
            if (config.FlushInterval > TimeSpan.Zero)
                _flushTimer ??= time.CreateTimer(_ => Flush(), null, config.FlushInterval, config.FlushInterval);
        }
        return Task.CompletedTask;
    }

    public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var file = _file ?? throw ConsumerException.Unavailable("file exporter is not started");
            _record.ResetWrittenCount();
            encoder.Encode(batch, _record);
            try
            {
                file.Append(_record.WrittenSpan);
                if (config.FlushInterval == TimeSpan.Zero) file.Flush();
            }
            catch (IOException error)
            {
                // Disk full or a vanished directory may heal: let the retry stage try again.
                throw ConsumerException.Unavailable($"writing {config.Path} failed: {error.Message}", inner: error);
            }
            ShrinkIfHuge();
        }
        return ValueTask.CompletedTask;
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (_flushTimer is { } timer) await timer.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _file?.Flush();
            _file?.Dispose();
            _file = null;
        }
    }

    private void Flush()
    {
        lock (_gate)
        {
            try
            {
                _file?.Flush();
            }
            catch (IOException)
            {
                // The next append reports the problem through the normal error path.
            }
        }
    }

    // One exceptional batch must not pin megabytes for the life of the process.
    private void ShrinkIfHuge()
    {
        if (_record.Capacity > 16 * 1024 * 1024) _record.Clear();
    }
}
