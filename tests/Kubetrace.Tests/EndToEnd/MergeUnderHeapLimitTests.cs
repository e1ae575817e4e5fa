using Google.Protobuf;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.Benchmark;
using Kubetrace.Storage.Encryption;
using Kubetrace.Tests.EndToEnd.Harness;
using Kubetrace.Tests.Storage.Encryption;
using Xunit.Abstractions;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// Rewriting blocks (compaction's merge, and re-encryption through the same merger) streams them row group by
/// row group, so it needs memory for a few row groups and the new block's index, not for the block: a block far
/// larger than the .NET heap of the process is rewritten by <c>kubetrace store reencrypt</c> under a capped heap
/// (<c>DOTNET_GCHeapHardLimit</c>) and reads back the same. A merge that reads its sources whole into a head dies
/// there with an OutOfMemoryException.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MergeUnderHeapLimitTests(ITestOutputHelper output)
{
    private const int Traces = 20_000; // of the benchmark shape: 10 spans of 12 attributes, 200,000 spans
    private const long HeapLimit = 64L << 20;

    [Fact]
    public async Task A_block_of_200_thousand_spans_is_rewritten_under_a_64_MiB_heap_and_reads_back_the_same()
    {
        using var folder = new TempDirectory();
        var data = folder.File("data");
        var ids = await FillAsync(data);
        var sample = ids.Where((_, i) => i % 10 == 0).ToList();
        var before = await ReadAsync(data, StoreKeyRing.None, sample);

        var run = await KubetraceProcess.RunToExitAsync(["store", "reencrypt", "--config", await ConfigAsync(folder, data)],
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = $"0x{HeapLimit:x}" }, TimeSpan.FromMinutes(15));

        output.WriteLine(run.Describe());
        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains("1 blocks rewritten", run.Stdout, StringComparison.Ordinal);
        var after = await ReadAsync(data, TestKeys.Ring("k1"), sample);
        Assert.Equal(before.Spans, after.Spans);
        foreach (var id in sample) Assert.True(before.Traces[id] == after.Traces[id], $"trace {id} differs after the rewrite");
    }

    /// <summary>One plaintext block of <see cref="Traces"/> traces, as a server leaves it; returns their IDs.</summary>
    private static async Task<List<Kubetrace.Storage.TraceId>> FillAsync(string directory)
    {
        var generator = new KubernetesTraceGenerator(seed: 11, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        var ids = new HashSet<Kubetrace.Storage.TraceId>();
        await using var store = EmbeddedTraceStore.Open(new StoreOptions { Directory = directory, Rollups = [], MaxHeadBytes = 1L << 30 });
        for (var batch = 0; batch < Traces / 100; batch++)
        {
            var request = generator.NextRequest(traces: 100);
            foreach (var span in request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans))
                ids.Add(Kubetrace.Storage.TraceId.FromByteString(span.TraceId));
            await store.AppendAsync(TraceBatch.FromEncoded(request.ToByteArray(), TraceBatch.CountSpans(request)), CancellationToken.None);
        }
        await store.FlushHeadAsync();
        Assert.Equal(1, store.GetStats().Blocks);
        return [.. ids];
    }

    /// <summary>The store's span count, and each sampled trace as a sorted list of its spans with their resource
    /// and scope (an order-independent text to compare).</summary>
    private static async Task<(long Spans, Dictionary<Kubetrace.Storage.TraceId, string> Traces)> ReadAsync(string directory,
        StoreKeyRing keys, List<Kubetrace.Storage.TraceId> ids)
    {
        await using var store = EmbeddedTraceStore.Open(new StoreOptions { Directory = directory, Rollups = [], Keys = keys });
        var traces = new Dictionary<Kubetrace.Storage.TraceId, string>();
        foreach (var id in ids)
        {
            var trace = await store.GetTraceAsync(id, CancellationToken.None) ?? [];
            traces[id] = string.Join("\n", trace.SelectMany(r => r.ScopeSpans.SelectMany(s => s.Spans.Select(span =>
                $"{r.Resource} {r.SchemaUrl} {s.Scope} {s.SchemaUrl} {span}"))).Order(StringComparer.Ordinal));
        }
        return (store.GetStats().Spans, traces);
    }

    /// <summary>The store's config with key k1 to seal with (the offline command binds no port).</summary>
    private static async Task<string> ConfigAsync(TempDirectory folder, string data)
    {
        var path = folder.File("config.yaml");
        await File.WriteAllTextAsync(path, new TestServiceConfig(otlpHttpPort: 4318)
            .Exporter("kubetrace", $"path: {data}\nencryption:\n  keys:\n    - id: k1\n      key: {TestKeys.Base64("k1")}").Yaml);
        return path;
    }
}
