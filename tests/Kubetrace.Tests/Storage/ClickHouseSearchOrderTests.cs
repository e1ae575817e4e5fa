using Kubetrace.Storage;
using Kubetrace.Tests.Api;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A ClickHouse search reads the newest part of its range first and widens it only while too few traces are sure of
/// their rank (ClickHouseTraceStore.Fetch): the answer must still be the traces that started last, exactly — also
/// when a trace that started long ago has its matching span in the newest minute, and when a trace started before the
/// range (it ranks by its start, last).
/// </summary>
public abstract class ClickHouseSearchOrderSuite(StoreBackend backend) : IAsyncLifetime
{
    private const long Minute = 60_000;
    private readonly ClickHouseTempStore _temp = new(backend == StoreBackend.ClickHouse ? ClickHouseTestServer.NewOptions() : ClickHouseTestServer.NewClusterOptions());

    /// <summary>Minutes 10 to 70 after the data's base time.</summary>
    private static readonly TimeRange Range = new(StartNanos(10 * Minute), StartNanos(70 * Minute));

    public async Task InitializeAsync() => await _temp.AppendAsync(Request(
        // Trace 1 started at minute 20 (an apiserver request); its kubelet span is in the range's last minute.
        Resource("apiserver", Span(1, 1, 0, "GET", 20 * Minute), Span(5, 1, 0, "GET", 0)),
        Resource("kubelet",
            Span(1, 2, 1, "SyncPod", 69 * Minute + 30_000),
            Span(2, 1, 0, "SyncPod", 65 * Minute),
            Span(3, 1, 0, "SyncPod", 50 * Minute),
            Span(4, 1, 0, "SyncPod", 69 * Minute + 20_000),
            // Trace 5 started before the range (minute 0); its kubelet span is in it, at minute 68.
            Span(5, 2, 1, "SyncPod", 68 * Minute),
            // Trace 6 has no span in the range.
            Span(6, 1, 0, "SyncPod", 5 * Minute))));

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    [RequiresClickHouseTheory]
    [InlineData(1, new[] { 4 })]
    [InlineData(2, new[] { 4, 2 })]
    [InlineData(3, new[] { 4, 2, 3 })]
    [InlineData(4, new[] { 4, 2, 3, 1 })]
    [InlineData(10, new[] { 4, 2, 3, 1, 5 })]
    public async Task The_traces_that_started_last_come_first_whatever_part_of_the_range_their_match_is_in(int limit, int[] expected)
    {
        var found = await _temp.Store.FetchAsync(new FetchRequest(Range, [Condition.Service("kubelet")], Limit: limit), CancellationToken.None);

        Assert.Equal(expected, found.Take(limit).Select(m => (int)m.Summary.TraceId.Value));
    }

    [RequiresClickHouseFact]
    public async Task A_range_ending_long_after_the_data_still_finds_it()
    {
        var range = Range with { EndUnixNano = StartNanos(30 * 24 * 60 * Minute) };

        var found = await _temp.Store.FetchAsync(new FetchRequest(range, [Condition.Service("kubelet")], Limit: 2), CancellationToken.None);

        Assert.Equal([4, 2], found.Take(2).Select(m => (int)m.Summary.TraceId.Value));
    }
}

public sealed class ClickHouseSearchOrderTests() : ClickHouseSearchOrderSuite(StoreBackend.ClickHouse);

public sealed class ClickHouseSearchOrderOnShardsTests() : ClickHouseSearchOrderSuite(StoreBackend.ClickHouseShards);
