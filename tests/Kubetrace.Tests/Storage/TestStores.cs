using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Tests.Api;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Storage;

/// <summary>A store a suite fills and queries, whatever the backend (the suites run on each: <see cref="TestStores.Create"/>).</summary>
public interface ITestStore : IAsyncDisposable
{
    ITraceStore Store { get; }

    ValueTask AppendAsync(ExportTraceServiceRequest request);
}

public static class TestStores
{
    public static ITestStore Create(StoreBackend backend) => backend switch
    {
        StoreBackend.Embedded => new TempStore(),
        StoreBackend.ClickHouse => new ClickHouseTempStore(),
        _ => new ClickHouseTempStore(ClickHouseTestServer.NewClusterOptions()),
    };
}

/// <summary>A ClickHouse store in a database of its own on the tests' server, dropped afterwards.</summary>
internal sealed class ClickHouseTempStore : ITestStore
{
    private readonly Lazy<Task<ClickHouseTraceStore>> _store;

    public ClickHouseTempStore(ClickHouseOptions? options = null)
    {
        Options = options ?? ClickHouseTestServer.NewOptions();
        _store = new(() => ClickHouseTraceStore.OpenAsync(Options));
    }

    public ClickHouseOptions Options { get; }

    /// <summary>The open store (opened on first use: the schema is created then).</summary>
    public ITraceStore Store => _store.Value.GetAwaiter().GetResult();

    public ValueTask AppendAsync(ExportTraceServiceRequest request) =>
        Store.AppendAsync(TraceBatch.FromEncoded(request.ToByteArray(), TraceBatch.CountSpans(request)), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (!_store.IsValueCreated) return;
        await using var store = await _store.Value;
        await ClickHouseTestServer.DropDatabaseAsync(Options.ShardEndpoints.DefaultIfEmpty(Options.Endpoint), Options.Database);
    }
}
