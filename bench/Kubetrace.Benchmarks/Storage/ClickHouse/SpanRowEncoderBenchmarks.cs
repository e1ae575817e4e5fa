using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Kubetrace.Pipeline;
using Kubetrace.Storage.Benchmark;
using Kubetrace.Storage.ClickHouse;

namespace Kubetrace.Benchmarks.Storage.ClickHouse;

/// <summary>
/// The ClickHouse store's side of an insert (issue 16): a received request's bytes to the RowBinary body of its INSERT
/// (<see cref="SpanRowEncoder"/>), on the <c>bench clickhouse</c> data set in 10,000-span requests as that benchmark
/// sends them; and the OTLP object decode alone, which the encoder starts from. One operation = <see cref="Spans"/>.
/// </summary>
[MemoryDiagnoser]
public class SpanRowEncoderBenchmarks
{
    private List<(byte[] Bytes, int Spans)> _requests = [];

    [Params(100_000)]
    public int Spans { get; set; } = 100_000;

    [GlobalSetup]
    public void Setup()
    {
        var generator = new KubernetesTraceGenerator(42, DateTimeOffset.UtcNow, TimeSpan.FromHours(2));
        _requests = [];
        while (generator.SpansGenerated < Spans)
        {
            var request = generator.NextRequest(1000);
            _requests.Add((request.ToByteArray(), TraceBatch.CountSpans(request)));
        }
    }

    /// <summary>The OTLP object decode the encoder reads from.</summary>
    [Benchmark]
    public int Decode()
    {
        var spans = 0;
        foreach (var (bytes, count) in _requests) spans += TraceBatch.FromEncoded(bytes, count).Request.ResourceSpans.Count + count;
        return spans;
    }

    /// <summary>RowBinary encoding straight from the request's bytes: what an append costs Kubetrace before the HTTP POST.</summary>
    [Benchmark]
    public int Encode()
    {
        var bytes = 0;
        foreach (var (request, count) in _requests)
        {
            var rows = new RowBinaryWriter();
            SpanRowEncoder.Write(request, rows);
            bytes += rows.Length;
        }
        return bytes;
    }
}
