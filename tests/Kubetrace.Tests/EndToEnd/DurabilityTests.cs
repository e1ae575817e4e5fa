using Xunit.Abstractions;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// An OTLP Export that kubetrace acknowledged is durable: it survives a crash (SIGKILL in the middle of the stream)
/// and a clean restart, and the server comes back on its data directory without manual steps.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DurabilityTests(ITestOutputHelper output)
{
    private const int SpansPerTrace = 3;

    [Fact]
    public async Task Every_acknowledged_span_is_found_after_SIGKILL_in_mid_stream_and_a_restart()
    {
        await using var server = await OtlpToStoreServer.StartAsync();
        var traffic = AcknowledgedTraffic.Start(server, "durability-crash", grpcClients: 2, httpClients: 2, SpansPerTrace);

        await Task.Delay(TimeSpan.FromSeconds(2));
        var killedAt = traffic.Elapsed;
        await server.Process.KillAsync();
        var outcomes = await traffic.StopAsync();
        var acknowledged = traffic.Acknowledged.ToList();

        // The kill must have hit a live stream: every client was still sending, and only the kill stopped it.
        var report = string.Join("\n", outcomes.Select(o => $"{o.Client}: {o.Acknowledged} acknowledged, ended at {o.EndedAt.TotalSeconds:F2}s by {o.Failure ?? "stop"}"));
        Assert.All(outcomes, o =>
        {
            Assert.True(o.Acknowledged > 0, $"a client had nothing acknowledged before the kill:\n{report}");
            Assert.True(o.Failure is not null && o.EndedAt >= killedAt, $"a client stopped before the kill (at {killedAt.TotalSeconds:F2}s):\n{report}");
        });

        output.WriteLine($"killed at {killedAt.TotalSeconds:F2}s, {acknowledged.Count} traces acknowledged:\n{report}");

        await server.RestartAsync();
        using var stored = new StoredTraces(server.QueryUrl);
        var missing = await stored.MissingAsync(acknowledged);

        Assert.True(missing.Count == 0,
            $"{missing.Count} of {acknowledged.Count * SpansPerTrace} acknowledged spans are missing after the crash, e.g. " +
            $"{string.Join(", ", missing.Take(10))}\n{report}\n{server.Process.Describe()}");
        await server.Process.StopCleanlyAsync();
    }

    [Fact]
    public async Task Traces_written_before_and_after_a_clean_restart_are_all_found_by_ID_and_by_search()
    {
        const string service = "durability-restart";
        await using var server = await OtlpToStoreServer.StartAsync();
        var beforeRestart = await SendAsync(server, service);
        await server.Process.StopCleanlyAsync();

        await server.RestartAsync();
        var afterRestart = await SendAsync(server, service);
        using var stored = new StoredTraces(server.QueryUrl);
        var missing = await stored.MissingAsync(beforeRestart.Concat(afterRestart));
        var found = await stored.SearchServiceAsync(service, limit: 1000);
        await server.Process.StopCleanlyAsync();

        Assert.Empty(missing);
        Assert.Subset(found.ToHashSet(), beforeRestart.Select(t => t.TraceId).ToHashSet());
        Assert.Subset(found.ToHashSet(), afterRestart.Select(t => t.TraceId).ToHashSet());
        Assert.Equal(beforeRestart.Count + afterRestart.Count, found.Count);
    }

    /// <summary>A short burst from one gRPC and one HTTP client, every request of which must be acknowledged.</summary>
    private static async Task<IReadOnlyList<SentTraceIds>> SendAsync(OtlpToStoreServer server, string service)
    {
        using var grpc = OtlpSender.Grpc(server.GrpcEndpoint);
        using var http = OtlpSender.Http(server.HttpTracesUrl);
        var sent = new List<SentTraceIds>();
        for (var i = 0; i < 20; i++)
        {
            foreach (var sender in new[] { grpc, http })
            {
                var (trace, failure) = await sender.SendTraceAsync(service, SpansPerTrace);
                Assert.True(trace is not null, $"{sender.Transport} export {i} was not acknowledged: {failure}\n{server.Process.Describe()}");
                sent.Add(trace);
            }
        }
        return sent;
    }
}
