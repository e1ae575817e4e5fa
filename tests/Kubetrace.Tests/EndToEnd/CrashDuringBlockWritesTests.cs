using Kubetrace.Tests.EndToEnd.Harness;
using Xunit.Abstractions;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// A store whose head is cut every few dozen spans is always cutting a head, writing a block or deleting the WAL
/// segments a block covers. SIGKILL at random moments of that, then a plain restart: every acknowledged span is
/// found exactly once (neither lost nor both in a replayed WAL segment and in the block written from it).
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
            """);
        var random = new Random();
        var acknowledged = new List<SentTraceIds>();
        for (var round = 0; round < Rounds; round++)
        {
            var sendFor = TimeSpan.FromMilliseconds(random.Next(400, 1600));
            acknowledged.AddRange(await KillMidStream.RunAsync(server, $"crash-during-cuts-{round}", SpansPerTrace, sendFor, output));
            await server.RestartAsync();
        }

        using var stored = new StoredTraces(server.QueryUrl);
        var wrong = await stored.NotExactlyOnceAsync(acknowledged);
        var blocks = Directory.GetFiles(Path.Combine(server.DataDirectory, "blocks"), "*.ktb");
        await server.Process.StopCleanlyAsync();

        output.WriteLine($"{acknowledged.Count} traces acknowledged over {Rounds} crashes; {blocks.Length} blocks on disk");
        Assert.True(blocks.Length >= Rounds, $"only {blocks.Length} blocks were written: the head was not cut while spans streamed in");
        Assert.True(wrong.Count == 0,
            $"{wrong.Count} of {acknowledged.Count * SpansPerTrace} acknowledged spans are not stored exactly once, e.g.\n" +
            $"{string.Join("\n", wrong.Take(10))}\n{server.Process.Describe()}");
    }
}
