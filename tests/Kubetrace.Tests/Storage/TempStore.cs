using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Storage;

namespace Kubetrace.Tests.Storage;

/// <summary>A store in a fresh temporary folder, deleted afterwards. <see cref="Reopen"/> simulates a crash.</summary>
internal sealed class TempStore : ITestStore
{
    private readonly List<EmbeddedTraceStore> _abandoned = [];

    public TempStore(Func<string, StoreOptions>? options = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "kubetrace-store-" + Guid.NewGuid().ToString("N"));
        // No retention unless a test asks for it: test data often lies months back (fixed simulation dates), and
        // the background loop would drop it a minute into a long run on a busy machine.
        Options = options?.Invoke(Directory) ?? new StoreOptions { Directory = Directory, Retention = TimeSpan.Zero };
        Store = EmbeddedTraceStore.Open(Options);
    }

    public string Directory { get; }
    public StoreOptions Options { get; }
    public EmbeddedTraceStore Store { get; private set; }

    ITraceStore ITestStore.Store => Store;

    public ValueTask AppendAsync(ExportTraceServiceRequest request) =>
        Store.AppendAsync(TraceBatch.FromEncoded(request.ToByteArray(), TraceBatch.CountSpans(request)), CancellationToken.None);

    /// <summary>Drops the current store without shutting it down (no flush, no close) and opens the folder again,
    /// as a restart after a crash would.</summary>
    public EmbeddedTraceStore Crash()
    {
        _abandoned.Add(Store);
        Store = EmbeddedTraceStore.Open(Options);
        return Store;
    }

    /// <summary>A clean restart: shut down, then open again.</summary>
    public async Task<EmbeddedTraceStore> RestartAsync()
    {
        await Store.DisposeAsync();
        Store = EmbeddedTraceStore.Open(Options);
        return Store;
    }

    public long BytesOnDisk() =>
        new DirectoryInfo(Directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        foreach (var store in _abandoned) await store.DisposeAsync();
        TempDirectory.Remove(Directory);
    }
}
