using Xunit.Abstractions;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// One crash round: concurrent gRPC and HTTP clients send (for <c>sendFor</c> after each had a first request
/// acknowledged), then the server gets SIGKILL (or what the
/// caller's kill does) while they are still sending. Returns the traces acknowledged before the kill, after
/// checking that the kill really hit a live stream.
/// </summary>
internal static class KillMidStream
{
    public static Task<IReadOnlyList<SentTraceIds>> RunAsync(OtlpToStoreServer server, string service, int spansPerTrace,
        TimeSpan sendFor, ITestOutputHelper output, Func<KubetraceProcess, Task>? kill = null) =>
        RunAsync(AcknowledgedTraffic.Start(server, service, grpcClients: 2, httpClients: 2, spansPerTrace), server.Process, service,
            sendFor, output, kill);

    /// <summary>The same round for traffic already started against <paramref name="process"/>.</summary>
    public static async Task<IReadOnlyList<SentTraceIds>> RunAsync(AcknowledgedTraffic traffic, KubetraceProcess process, string service,
        TimeSpan sendFor, ITestOutputHelper output, Func<KubetraceProcess, Task>? kill = null)
    {
        await traffic.WaitUntilEveryClientWasAcknowledgedAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(sendFor); // not a wait: how long the clients send before the kill
        var killedAt = traffic.Elapsed;
        await (kill ?? (p => p.KillAsync()))(process);
        var outcomes = await traffic.WaitUntilAllFailedAsync();

        // The kill must have hit a live stream: every client was still sending, and only the kill (or the shutdown
        // it cut short) stopped it.
        var report = string.Join("\n", outcomes.Select(o =>
            $"{o.Client}: {o.Acknowledged} acknowledged, ended at {o.EndedAt.TotalSeconds:F2}s by {o.Failure}"));
        output.WriteLine($"{service}: killed at {killedAt.TotalSeconds:F2}s, {traffic.Acknowledged.Count} traces acknowledged:\n{report}");
        Assert.All(outcomes, o =>
        {
            Assert.True(o.Acknowledged > 0, $"a client had nothing acknowledged before the kill:\n{report}");
            Assert.True(o.EndedAt >= killedAt, $"a client stopped before the kill (at {killedAt.TotalSeconds:F2}s):\n{report}");
        });
        return traffic.Acknowledged.ToList();
    }
}
