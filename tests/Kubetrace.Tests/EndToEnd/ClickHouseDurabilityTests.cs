using Kubetrace.Tests.EndToEnd.Harness;
using Kubetrace.Tests.TestSupport;
using Xunit.Abstractions;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// kubetrace → ClickHouse through the persistent sending queue (<c>file_storage</c>): ClickHouse dies mid-stream,
/// kubetrace keeps acknowledging into its queue, then kubetrace gets SIGKILL while ClickHouse is still down. Both
/// come back on their data, and every acknowledged span is in ClickHouse exactly once.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ClickHouseDurabilityTests(ITestOutputHelper output)
{
    private const int SpansPerTrace = 3;

    [RequiresClickHouseFact]
    public async Task ClickHouse_down_then_kubetrace_SIGKILLed_loses_no_acknowledged_span_and_stores_each_once()
    {
        using var clickHouse = ClickHouseTestServer.StartOnFreePorts();
        await using var server = await OtlpToStoreServer.StartAsync(clickHouse: clickHouse.Endpoint);

        var acknowledgedWhileDown = 0;
        var acknowledged = await KillMidStream.RunAsync(server, "clickhouse-durability", SpansPerTrace, TimeSpan.FromSeconds(2), output,
            async process =>
            {
                clickHouse.Kill();
                var before = await ExporterQueueSize.ReadAsync(server.MetricsUrl);
                // Clients go on: their exports now wait in the persistent queue.
                await Wait.UntilAsync(async () => (acknowledgedWhileDown = (int)(await ExporterQueueSize.ReadAsync(server.MetricsUrl) - before)) > 0,
                    "spans acknowledged while ClickHouse is down wait in the exporter's persistent queue");
                await process.KillAsync();
            });

        clickHouse.Launch();
        await server.RestartAsync();

        // Generous: each read is a ClickHouse query, and the tests' server shares 2 cores with everything else.
        using var stored = new StoredTraces(server.QueryUrl, TimeSpan.FromSeconds(60));
        var wrong = await stored.NotExactlyOnceWithinAsync(acknowledged, TimeSpan.FromSeconds(120));
        output.WriteLine($"{acknowledged.Count} traces acknowledged, {acknowledgedWhileDown} spans queued while ClickHouse was down");
        Assert.True(acknowledgedWhileDown > 0, "nothing was acknowledged while ClickHouse was down: the kill did not test the queue");
        if (wrong.Count > 0)
            throw await server.Process.FailureAsync($"{wrong.Count} of {acknowledged.Count * SpansPerTrace} acknowledged spans are not stored exactly once, e.g. " +
                string.Join(", ", wrong.Take(10)));
        await server.Process.StopCleanlyAsync();
    }
}
