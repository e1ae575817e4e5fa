using Kubetrace.Analysis.SpanMetrics;
using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Exporters.Helper;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>
/// Writes batches into the embedded store and completes only once they are durable. There is deliberately no
/// sending queue in front (an OTLP Export must succeed only when its spans survive a crash); the store's WAL
/// batches concurrent appends into one fsync (group commit), which is the batching that matters here.
/// </summary>
internal sealed class StoreSink : IExportSink, ITraceStoreSource, ISpanMetricsSource
{
    private readonly ComponentSettings _settings;
    private readonly KubetraceExporterConfig _config;
    private readonly ILogger _logger;
    private EmbeddedTraceStore? _store;

    public StoreSink(ComponentSettings settings, KubetraceExporterConfig config)
    {
        _settings = settings;
        _config = config;
        _logger = settings.CreateLogger();
        settings.Directory.Publish(ComponentKind.Exporter, settings.Id, this);
    }

    public ITraceStore? Store => Volatile.Read(ref _store);

    public SpanMetricsRecorder SpanMetrics { get; } = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var path = _config.ResolvedPath();
        try
        {
            Directory.CreateDirectory(path);
            _store = EmbeddedTraceStore.Open(_config.ToStoreOptions(SpanMetrics), _settings.LoggerFactory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot open the trace store in {path}: {e.Message}", e);
        }
        _logger.LogInformation("Trace store in {Path} (retention {Retention}, max disk size {MaxDisk}, head cut at {MaxHeadSpans} spans or {MaxHeadAge}, {Rollups} analysis rollups per block after {RollupSettle})",
            path, _config.Retention == TimeSpan.Zero ? "none" : GoDuration.Format(_config.Retention),
            _config.MaxDiskSize.Length == 0 ? "unlimited" : _config.MaxDiskSize, _config.MaxHeadSpans, GoDuration.Format(_config.MaxHeadAge),
            _config.Rollups ? KubetraceExporterConfig.AnalysisRollups().Count : 0, GoDuration.Format(_config.RollupSettle));
        return Task.CompletedTask;
    }

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        var store = Store ?? throw ConsumerException.Unavailable("the trace store is not open");
        try
        {
            await store.AppendAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (ConsumerException)
        {
            throw;
        }
        catch (IOException e)
        {
            // A full or failing disk: nothing was acknowledged, the client may retry later.
            throw ConsumerException.Unavailable($"the trace store cannot write: {e.Message}", inner: e);
        }
        catch (ObjectDisposedException e)
        {
            throw ConsumerException.Unavailable("the trace store is closed", inner: e);
        }
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        var store = Interlocked.Exchange(ref _store, null);
        if (store is not null) await store.DisposeAsync().ConfigureAwait(false);
    }
}
