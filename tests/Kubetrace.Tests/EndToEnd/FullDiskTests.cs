using System.Text.RegularExpressions;
using Kubetrace.Tests.EndToEnd.Harness;
using Xunit.Abstractions;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// A full disk, for real: the store's folder on a 16 MiB tmpfs filled to ENOSPC by a filler file. Clients get
/// retryable errors (gRPC UNAVAILABLE, HTTP 503 with Retry-After), the server keeps running, ingest resumes once
/// the filler is deleted, and after a restart every acknowledged span is there exactly once, with nothing corrupt.
/// Needs root to mount; skipped with the reason elsewhere, never under CI (CI runs as root: a failure to mount
/// there fails the test with the reason, e.g. a container without CAP_SYS_ADMIN).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class FullDiskTests(ITestOutputHelper output)
{
    private const int SpansPerTrace = 3;

    [SkippableFact]
    public async Task A_full_disk_gives_retryable_errors_and_ingest_resumes_once_space_is_freed()
    {
        RequireTmpfs();
        using var folder = new TempDirectory();
        using var disk = TmpfsMount.Create(folder.File("data"), "16m");
        await using var server = await OtlpToStoreServer.StartAsync(dataDirectory: disk.Path);
        using var grpc = OtlpSender.Grpc(server.GrpcEndpoint);
        using var http = OtlpSender.Http(server.HttpTracesUrl);
        var acknowledged = new List<SentTraceIds>();
        foreach (var sender in new[] { grpc, http }) acknowledged.AddRange(await SendAcknowledgedAsync(sender, "full-disk-before", 10));

        var filler = disk.Fill();
        var refusals = new List<string>();
        foreach (var sender in new[] { grpc, http })
        {
            var (acked, refused) = await SendUntilRefusedAsync(sender, "full-disk-during", refusalsWanted: 3);
            acknowledged.AddRange(acked);
            refusals.AddRange(refused);
        }
        output.WriteLine($"while full: {string.Join(" | ", refusals.Distinct())}");
        if (server.Process.HasExited) throw await server.Process.FailureAsync("the server died on a full disk");
        Assert.All(refusals, refusal => Assert.Matches(RetryableRefusal(), refusal));

        File.Delete(filler);
        foreach (var sender in new[] { grpc, http })
        {
            acknowledged.AddRange(await SendOnceAcceptedAgainAsync(sender, "full-disk-after", TimeSpan.FromSeconds(30)));
            acknowledged.AddRange(await SendAcknowledgedAsync(sender, "full-disk-after", 10));
        }
        await server.Process.KillAsync();
        await server.RestartAsync();

        await AssertStoredExactlyOnceAndNothingCorruptAsync(server, acknowledged);
        await server.Process.StopCleanlyAsync();
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_block_write_that_fails_for_lack_of_space_keeps_the_WAL_and_succeeds_once_space_is_freed(bool sigtermWhileFull)
    {
        RequireTmpfs();
        // Only the blocks folder is small: the WAL keeps accepting, the block written at the cut cannot fit.
        const int traces = 20;
        using var folder = new TempDirectory();
        var data = folder.File("data");
        using var blocksDisk = TmpfsMount.Create(Path.Combine(data, "blocks"), "16m");
        var filler = blocksDisk.Fill();
        await using var server = await OtlpToStoreServer.StartAsync(dataDirectory: data,
            exporterKeys: $"max_head_spans: {traces * SpansPerTrace}");
        using var grpc = OtlpSender.Grpc(server.GrpcEndpoint);

        var acknowledged = await SendAcknowledgedAsync(grpc, "full-blocks-disk", traces);

        if (!await server.Process.WaitForLogAsync("writing a block failed", TimeSpan.FromSeconds(30)))
            throw await server.Process.FailureAsync($"the head was not cut into a block at {traces * SpansPerTrace} spans");
        Assert.Empty(Directory.GetFiles(blocksDisk.Path, "*.ktb*"));
        Assert.True(WalBytes(data) > 0, "the WAL segments of the head that could not be written as a block are gone");
        using (var stored = new StoredTraces(server.QueryUrl))
            Assert.Empty(await stored.NotExactlyOnceAsync(acknowledged));

        if (sigtermWhileFull)
        {
            // A block writer waiting to retry must not hold up a shutdown; the WAL carries the head to the next run.
            await server.Process.StopCleanlyAsync();
            File.Delete(filler);
            await server.RestartAsync();
        }
        else File.Delete(filler);
        var blockWritten = await Wait.HoldsWithinAsync(() => Directory.GetFiles(blocksDisk.Path, "*.ktb").Length > 0, Wait.DefaultTimeout);
        if (!blockWritten) throw await server.Process.FailureAsync("no block was written after space was freed");
        await server.Process.KillAsync();
        await server.RestartAsync();

        await AssertStoredExactlyOnceAndNothingCorruptAsync(server, acknowledged);
        await server.Process.StopCleanlyAsync();
    }

    /// <summary>gRPC UNAVAILABLE, or HTTP 503 with a Retry-After: what an OTLP client retries later.</summary>
    [GeneratedRegex(@"^(gRPC Unavailable: .*No space left on device.*|HTTP 503 Retry-After \d+s)$")]
    private static partial Regex RetryableRefusal();

    private static void RequireTmpfs() =>
        Requires.Present(TmpfsMount.Unavailable is { } why ? $"a tmpfs cannot be mounted here (run the tests as root): {why}" : null,
            "CI runs as root; a container needs CAP_SYS_ADMIN (docker run --privileged) for mount(2).");

    private static async Task<List<SentTraceIds>> SendAcknowledgedAsync(OtlpSender sender, string service, int count)
    {
        var sent = new List<SentTraceIds>();
        for (var i = 0; i < count; i++)
        {
            var (trace, failure) = await sender.SendTraceAsync(service, SpansPerTrace);
            Assert.True(trace is not null, $"{sender.Transport} export {i} of {service} was not acknowledged: {failure}");
            sent.Add(trace);
        }
        return sent;
    }

    /// <summary>Sends until <paramref name="refusalsWanted"/> requests were refused (a few may still fit in the
    /// last page of the WAL segment); returns what was acknowledged and the refusals.</summary>
    private static async Task<(List<SentTraceIds> Acknowledged, List<string> Refusals)> SendUntilRefusedAsync(
        OtlpSender sender, string service, int refusalsWanted)
    {
        var acknowledged = new List<SentTraceIds>();
        var refusals = new List<string>();
        for (var attempt = 0; refusals.Count < refusalsWanted; attempt++)
        {
            Assert.True(attempt < 1000, $"{sender.Transport}: 1000 requests on a full disk and only {refusals.Count} refused");
            var (trace, failure) = await sender.SendTraceAsync(service, SpansPerTrace);
            if (trace is not null) acknowledged.Add(trace);
            else refusals.Add(failure!);
        }
        return (acknowledged, refusals);
    }

    private static async Task<List<SentTraceIds>> SendOnceAcceptedAgainAsync(OtlpSender sender, string service, TimeSpan timeout)
    {
        SentTraceIds? trace = null;
        string? failure = null;
        if (await Wait.HoldsWithinAsync(async () => ((trace, failure) = await sender.SendTraceAsync(service, SpansPerTrace)).trace is not null, timeout))
            return [trace!];
        throw new Xunit.Sdk.XunitException($"{sender.Transport}: still refused {timeout.TotalSeconds}s after space was freed: {failure}");
    }

    private async Task AssertStoredExactlyOnceAndNothingCorruptAsync(OtlpToStoreServer server, IReadOnlyList<SentTraceIds> acknowledged)
    {
        using var stored = new StoredTraces(server.QueryUrl);
        var wrong = await stored.NotExactlyOnceAsync(acknowledged);
        output.WriteLine($"{acknowledged.Count} traces acknowledged; after the restart: {wrong.Count} spans not stored exactly once");
        if (wrong.Count > 0)
            throw await server.Process.FailureAsync($"{wrong.Count} acknowledged spans are not stored exactly once, e.g.\n{string.Join("\n", wrong.Take(10))}");
        Assert.Empty(Directory.GetFiles(server.DataDirectory, "*.corrupt", SearchOption.AllDirectories));
        Assert.DoesNotContain("corrupt", server.Process.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    private static long WalBytes(string data) =>
        new DirectoryInfo(Path.Combine(data, "wal")).EnumerateFiles("*.wal").Sum(f => f.Length);

}
