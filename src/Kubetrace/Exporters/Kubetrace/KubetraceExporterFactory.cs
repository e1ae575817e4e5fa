using Kubetrace.Components;
using Kubetrace.Exporters.Helper;
using Kubetrace.Pipeline;
using Kubetrace.Storage;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary><c>kubetrace</c>: stores traces in the embedded store (docs/storage.md).</summary>
public sealed class KubetraceExporterFactory() : ExporterFactory<KubetraceExporterConfig>("kubetrace")
{
    protected override IExportSink CreateSink(ComponentSettings settings, KubetraceExporterConfig config)
    {
        ByteSize.TryParse(config.MaxDiskSize, out var maxDisk);
        var options = new StoreOptions
        {
            Directory = string.IsNullOrWhiteSpace(config.Directory) ? KubetraceExporterConfig.DefaultDirectory : config.Directory,
            Retention = config.Retention,
            MaxDiskBytes = maxDisk,
        };
        return new StoreSink(options, settings);
    }

    /// <summary>Opens the store at start, appends each batch (acknowledged once durable), closes at shutdown.</summary>
    private sealed class StoreSink(StoreOptions options, ComponentSettings settings) : IExportSink
    {
        private EmbeddedTraceStore? _store;

        public ITraceStore? Store => _store;

        public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken) =>
            _store is { } store
                ? store.AppendAsync(batch, cancellationToken)
                : throw ConsumerException.Unavailable("the trace store is not started");

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _store = EmbeddedTraceStore.Open(options, settings.LoggerFactory);
            return Task.CompletedTask;
        }

        public async Task ShutdownAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _store, null) is { } store) await store.DisposeAsync();
        }
    }
}
