using Kubetrace.Tests.EndToEnd.Harness;
using Xunit.Abstractions;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// A store whose head is cut every few dozen spans is always cutting a head, writing a block or deleting the WAL
/// segments a block covers (and, with compaction every 100 ms, merging blocks). SIGKILL at random moments of that,
/// then a plain restart: every acknowledged span is found exactly once (neither lost nor both in a replayed WAL
/// segment and in the block written from it, nor both in a merged block and one of its sources).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CrashDuringBlockWritesTests(ITestOutputHelper output)
{
    private const int SpansPerTrace = 3;
    private const int Rounds = 4;

    [Fact]
    public async Task Every_acknowledged_span_is_found_exactly_once_after_SIGKILLs_during_constant_head_cuts()
    {
        await using var server = await OtlpToStoreServer.StartAsync("""
            max_head_spans: 30
            row_group_spans: 16
            compaction_target_spans: 0
            """);

        var (acknowledged, _) = await CrashRepeatedlyAsync(server, "crash-during-cuts");

        var blocks = Directory.GetFiles(Path.Combine(server.DataDirectory, "blocks"), "*.ktb");
        output.WriteLine($"{blocks.Length} blocks on disk");
        Assert.True(blocks.Length >= Rounds, $"only {blocks.Length} blocks were written: the head was not cut while spans streamed in");
        await AssertExactlyOnceAsync(server, acknowledged);
    }

    [Fact]
    public async Task Every_acknowledged_span_is_found_exactly_once_after_SIGKILLs_during_constant_compaction()
    {
        // Blocks of 30 spans merged every 100 ms into blocks of up to 600: the kills land in merges too.
        await using var server = await OtlpToStoreServer.StartAsync("""
            max_head_spans: 30
            row_group_spans: 16
            compaction_target_spans: 600
            compaction_interval: 100ms
            """);

        var (acknowledged, logs) = await CrashRepeatedlyAsync(server, "crash-during-compaction");

        var merges = logs.Split('\n').Count(line => line.Contains("compacted ", StringComparison.Ordinal));
        output.WriteLine($"{merges} merges logged before the kills");
        Assert.True(merges >= Rounds, $"only {merges} merges ran: compaction did not run while spans streamed in");
        await AssertExactlyOnceAsync(server, acknowledged);
    }

    /// <summary>Rounds of traffic ended by SIGKILL at a random moment, each followed by a plain restart; returns the
    /// acknowledged traces and the killed processes' logs.</summary>
    private async Task<(List<SentTraceIds> Acknowledged, string Logs)> CrashRepeatedlyAsync(OtlpToStoreServer server, string service)
    {
        var random = new Random();
        var acknowledged = new List<SentTraceIds>();
        var logs = new System.Text.StringBuilder();
        for (var round = 0; round < Rounds; round++)
        {
            var sendFor = TimeSpan.FromMilliseconds(random.Next(200, 1500));
            acknowledged.AddRange(await KillMidStream.RunAsync(server, $"{service}-{round}", SpansPerTrace, sendFor, output));
            logs.Append(server.Process.Stderr);
            await server.RestartAsync();
        }
        return (acknowledged, logs.ToString());
    }

    private async Task AssertExactlyOnceAsync(OtlpToStoreServer server, List<SentTraceIds> acknowledged)
    {
        using var stored = new StoredTraces(server.QueryUrl);
        var wrong = await stored.NotExactlyOnceAsync(acknowledged);
        await server.Process.StopCleanlyAsync();

        output.WriteLine($"{acknowledged.Count} traces acknowledged over {Rounds} crashes");
        Assert.True(wrong.Count == 0,
            $"{wrong.Count} of {acknowledged.Count * SpansPerTrace} acknowledged spans are not stored exactly once, e.g.\n" +
            $"{string.Join("\n", wrong.Take(10))}\n{server.Process.Describe()}");
    }
}
