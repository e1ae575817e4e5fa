using BenchmarkDotNet.Attributes;
using Kubetrace.Pipeline;
using Kubetrace.Processors.Batch;

namespace Kubetrace.Benchmarks.Processors.Batch;

/// <summary>
/// The batch processor's merge of received requests into one batch (the default send_batch_size of 8192 spans is
/// about 16 requests of 500 spans): no decoding; the bytes are joined only when a stage needs them contiguous.
/// </summary>
[MemoryDiagnoser]
public class TraceBatchMergerBenchmarks
{
    private TraceBatch[] _parts = [];

    [Params(2, 16)]
    public int Parts { get; set; }

    [GlobalSetup]
    public void Setup() =>
        _parts = Enumerable.Range(0, Parts)
            .Select(i => TraceBatch.FromEncoded(KubernetesRequests.Encoded(500, i), 500))
            .ToArray();

    /// <summary>What the nop exporter costs downstream: the merged batch is passed on, its bytes never touched.</summary>
    [Benchmark]
    public int Merge() => TraceBatchMerger.Merge(_parts, null).SpanCount;

    /// <summary>What a stage that needs contiguous bytes (file, JSON) adds: one join of the merged batch.</summary>
    [Benchmark]
    public int MergeAndJoin() => TraceBatchMerger.Merge(_parts, null).Encoded.Length;
}
