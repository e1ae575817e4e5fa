using BenchmarkDotNet.Attributes;
using Kubetrace.Otlp;
using Kubetrace.Processors.Batch;

namespace Kubetrace.Benchmarks.Processors.Batch;

/// <summary>
/// The per-request work of <c>serve</c> between the transport and the nop exporter, one operation per request of
/// 500 spans: the gRPC deserializer's copy of the message into a new array, the wire scan, and the batch
/// processor's shard (full batches of send_batch_size 8192 spans taken out, the request that straddles the limit
/// cut). The garbage collector's share (large arrays) shows in the time and the Gen columns.
/// </summary>
[MemoryDiagnoser]
public class BatchShardBenchmarks
{
    private const int SendBatchSize = 8192;

    private byte[] _request = [];
    private BatchShard _shard = null!;

    [GlobalSetup]
    public void Setup()
    {
        _request = KubernetesRequests.Encoded(500);
        _shard = new BatchShard(null);
    }

    [Benchmark]
    public int ReceiveAndBatch()
    {
        var received = GC.AllocateUninitializedArray<byte>(_request.Length);
        _request.CopyTo(received, 0);
        var batch = TraceRequestDecoder.DecodeProtobuf(received).Batch!;
        _shard.Add(batch);
        var sent = 0;
        while (_shard.SpanCount >= SendBatchSize) sent += _shard.Take(SendBatchSize).SpanCount;
        return sent;
    }
}
