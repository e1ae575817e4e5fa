using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Storage.ClickHouse;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// ClickHouse stores given the same requests as an embedded store, the reference their reads are held to: the tests of a
/// ClickHouse write shape (resources, scopes written once) and of its migration compare traces read back whole.
/// </summary>
internal sealed class ClickHouseBesideEmbedded : IAsyncDisposable
{
    private readonly List<ClickHouseTempStore> _clickHouse = [];

    public TempStore Embedded { get; } = new();

    public ClickHouseTempStore Open(ClickHouseOptions options)
    {
        var store = new ClickHouseTempStore(options);
        _clickHouse.Add(store);
        return store;
    }

    public async Task AppendBothAsync(ClickHouseTempStore store, ExportTraceServiceRequest request)
    {
        await Embedded.AppendAsync(request);
        await store.AppendAsync(request);
    }

    /// <summary>The traces (numbered as <see cref="TraceId"/> numbers them) read back from ClickHouse as the embedded store
    /// gives them, resources and scopes and all.</summary>
    public async Task AssertTracesAsWrittenAsync(ClickHouseTempStore store, params int[] traces)
    {
        foreach (var trace in traces)
        {
            var id = Kubetrace.Storage.TraceId.FromByteString(TraceId(trace));
            var expected = new ExportTraceServiceRequest { ResourceSpans = { await Embedded.Store.GetTraceAsync(id, CancellationToken.None) } };
            var stored = await store.Store.GetTraceAsync(id, CancellationToken.None);
            Assert.NotNull(stored);
            var actual = new ExportTraceServiceRequest { ResourceSpans = { stored } };
            Assert.True(expected.Equals(actual), $"trace {trace}:\n{actual}\nexpected\n{expected}");
        }
    }

    public static async Task<string> ScalarAsync(ClickHouseTempStore store, string sql)
    {
        using var http = new ClickHouseHttp(store.Options);
        return string.Join("\n", await http.QueryLinesAsync(sql, CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        await Embedded.DisposeAsync();
        foreach (var store in _clickHouse) await store.DisposeAsync();
    }
}
