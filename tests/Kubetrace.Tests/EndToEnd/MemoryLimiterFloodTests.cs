using Kubetrace.Tests.TestSupport;
using Kubetrace.Bench.Measurement;
using Kubetrace.Bench.Soak;
using Kubetrace.Tests.EndToEnd.Harness;
using Xunit.Abstractions;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// A real <c>kubetrace serve</c> (otlp → memory_limiter → embedded store) flooded by real OTLP/gRPC exporters (those of
/// <c>kubetrace bench soak</c>, retrying as told) holds its resident set within <c>limit_mib</c> + 10%, and takes data
/// again once the flood ends: the store's head, which refusing cannot shrink, is written out under pressure.
/// </summary>
/// <remarks>
/// Bounds on memory and on "ingest resumes" only, never on throughput: on a busy machine the flood is slow, so it
/// runs until the limiter has refused for a while. The head's own cut (<c>max_head_bytes</c>) is set far above the
/// limit, so that only the limiter can hold the process; compaction, whose merges the limiter does not govern, does not
/// run in the test's minute (docs/benchmarks.md, "Memory limiter under a flood"). It runs alone, after the parallel
/// tests: the limiter acts on a 1 s check and a GC, and a server starved of CPU by a whole suite beside it (a CI run's
/// first minutes, an image build) overshot to 300 MiB where alone it holds 231–255.
/// </remarks>
[Collection(RunsAloneCollection.Name)]
public sealed class MemoryLimiterFloodTests(ITestOutputHelper output)
{
    private const int LimitMib = 256;

    [Fact]
    public async Task A_flooded_server_stays_within_its_memory_limit_plus_ten_percent_and_ingests_again_after_the_flood()
    {
        await using var server = await OtlpToStoreServer.StartAsync(
            exporterKeys: "max_head_bytes: 4GiB\nmax_head_spans: 10000000\ncompaction_interval: 10m",
            processors: [("memory_limiter", $"check_interval: 1s\nlimit_mib: {LimitMib}")]);
        var pid = server.Process.Id;
        var log = new StringWriter();

        // The flood: until the limiter has been refusing data for 10 s (it must start within 2 minutes).
        using var flooding = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var flood = new SoakRun(Options(server, pid, exporters: 4, concurrency: 2, spans: 2000, TimeSpan.FromMinutes(2)), log).RunAsync(flooding.Token);
        var refusing = await server.Process.WaitForLogAsync(RefusingLine, TimeSpan.FromMinutes(2));
        var refusingSince = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(10)); // not a wait: how long the flood holds the limiter refusing
        flooding.Cancel();
        var refused = await RefusedAsync(server);

        // Every batch in flight when the flood stopped is retried until the server takes it: a stalled ingest would
        // hold them (the exporters retry for 5 minutes) and fail here.
        var flooded = await flood.WaitAsync(TimeSpan.FromMinutes(2));
        var after = await new SoakRun(Options(server, pid, exporters: 1, concurrency: 1, spans: 100, TimeSpan.FromSeconds(5)), log)
            .RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));

        var peak = server.Process.PeakResidentBytes() >> 20;
        output.WriteLine(log.ToString());
        output.WriteLine($"limit {LimitMib} MiB; peak RSS {peak} MiB; refused: {refused} (refusing from {refusingSince:T}); " +
            $"flood acknowledged {flooded.AckedSpans} spans, lost {flooded.LostSpans}; after the flood acknowledged {after.AckedSpans} spans");
        if (!refusing) throw await server.Process.FailureAsync("the flood never reached the limiter's soft limit");
        if (peak > LimitMib * 11 / 10) throw await server.Process.FailureAsync($"peak RSS {peak} MiB is more than 10% above limit_mib {LimitMib}");
        Assert.Equal(0, flooded.LostSpans);
        Assert.True(after.AckedSpans > 0, "no span was accepted after the flood: ingest stalled");
        await server.Process.StopCleanlyAsync();
    }

    private static SoakOptions Options(OtlpToStoreServer server, int pid, int exporters, int concurrency, int spans, TimeSpan duration) => new()
    {
        Endpoint = server.GrpcEndpoint.Authority, Exporters = exporters, Concurrency = concurrency, SpansPerRequest = spans,
        Duration = duration, ServerPid = pid, MetricsUrl = server.MetricsUrl,
    };

    /// <summary>What the limiter logs as it starts refusing.</summary>
    private const string RefusingLine = "is above the soft limit; refusing data";

    /// <summary>The refusals so far, for the record: spans refused by the limiter, requests refused at the receiver
    /// (while the limiter refuses, the receiver refuses requests at their first bytes).</summary>
    private static async Task<string> RefusedAsync(OtlpToStoreServer server)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metrics = (await http.GetStringAsync(server.MetricsUrl)).Split('\n');
        string Value(string prefix) => metrics.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?.Split(' ')[^1] ?? "0";
        return $"{Value("otelcol_processor_refused_spans_total{processor=\"memory_limiter\"}")} spans by the limiter, " +
            $"{Value("kubetrace_receiver_refused_requests_total{")} requests at the receiver";
    }
}
