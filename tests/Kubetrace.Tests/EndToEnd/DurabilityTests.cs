using Kubetrace.Tests.EndToEnd.Harness;
using Xunit.Abstractions;

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
        var acknowledged = await SendUntilKilledAsync(server, "durability-crash");

        await server.RestartAsync();

        await AssertAllStoredAsync(server, acknowledged);
        await server.Process.StopCleanlyAsync();
    }

    [Fact]
    public async Task Spans_acknowledged_after_recovering_from_a_crash_survive_a_second_crash()
    {
        // The second run writes on top of a replayed WAL: its own segment must not be mistaken for a replayed one.
        await using var server = await OtlpToStoreServer.StartAsync();
        var firstRun = await SendUntilKilledAsync(server, "durability-crash-1");
        await server.RestartAsync();
        var secondRun = await SendUntilKilledAsync(server, "durability-crash-2");

        await server.RestartAsync();

        await AssertAllStoredAsync(server, [.. firstRun, .. secondRun]);
        await server.Process.StopCleanlyAsync();
    }

    [Fact]
    public async Task Spans_acknowledged_before_a_SIGTERM_shutdown_cut_short_by_SIGKILL_are_found_after_a_restart()
    {
        // Kubernetes sends SIGTERM, then SIGKILL when the grace period ends: here the shutdown gets 100 ms while
        // clients are still sending, so the kill lands while the server drains its receivers and its WAL.
        await using var server = await OtlpToStoreServer.StartAsync();
        var acknowledged = await SendUntilKilledAsync(server, "durability-sigterm-sigkill",
            process => process.TerminateThenKillAsync(TimeSpan.FromMilliseconds(100)));

        await server.RestartAsync();

        await AssertAllStoredAsync(server, acknowledged);
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
        var foundNative = await stored.SearchServiceAsync(service, limit: 1000);
        var foundJaeger = await stored.JaegerSearchServiceAsync(service, limit: 1000);
        await server.Process.StopCleanlyAsync();

        Assert.Empty(missing);
        foreach (var found in new[] { foundNative, foundJaeger })
        {
            Assert.Subset(found.ToHashSet(), beforeRestart.Select(t => t.TraceId).ToHashSet());
            Assert.Subset(found.ToHashSet(), afterRestart.Select(t => t.TraceId).ToHashSet());
            Assert.Equal(beforeRestart.Count + afterRestart.Count, found.Count);
        }
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
                if (trace is null) throw await server.Process.FailureAsync($"{sender.Transport} export {i} was not acknowledged: {failure}");
                sent.Add(trace);
            }
        }
        return sent;
    }

    /// <summary>Clients send for ~2 s, then the server gets SIGKILL (or what <paramref name="kill"/> does) mid-stream.</summary>
    private Task<IReadOnlyList<SentTraceIds>> SendUntilKilledAsync(OtlpToStoreServer server, string service,
        Func<KubetraceProcess, Task>? kill = null) =>
        KillMidStream.RunAsync(server, service, SpansPerTrace, TimeSpan.FromSeconds(2), output, kill);

    /// <summary>Every span of every acknowledged trace is returned by trace ID through the native API.</summary>
    private static async Task AssertAllStoredAsync(OtlpToStoreServer server, IReadOnlyList<SentTraceIds> acknowledged)
    {
        using var stored = new StoredTraces(server.QueryUrl);
        var missing = await stored.MissingAsync(acknowledged);
        if (missing.Count > 0)
            throw await server.Process.FailureAsync($"{missing.Count} of {acknowledged.Count * SpansPerTrace} acknowledged spans are missing after the crash, e.g. " +
                string.Join(", ", missing.Take(10)));
    }
}
