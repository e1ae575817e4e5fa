using BenchmarkDotNet.Attributes;
using Kubetrace.Otlp;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Wire;

namespace Kubetrace.Benchmarks.Otlp.Wire;

/// <summary>
/// What the receiver spends per request before handing it on: the wire scan (validation of every span without
/// decoding), the decoder's pass-through path, and for comparison a full protobuf parse.
/// </summary>
[MemoryDiagnoser]
public class TraceRequestScannerBenchmarks
{
    private byte[] _request = [];

    [Params(100, 500, 1000)]
    public int Spans { get; set; }

    [GlobalSetup]
    public void Setup() => _request = KubernetesRequests.Encoded(Spans);

    [Benchmark(Baseline = true)]
    public int Scan() => TraceRequestScanner.Scan(_request).SpanCount;

    [Benchmark]
    public int DecodePassThrough() => TraceRequestDecoder.DecodeProtobuf(_request).Batch?.SpanCount ?? 0;

    [Benchmark]
    public int ParseObjects() => ExportTraceServiceRequest.Parser.ParseFrom(_request).ResourceSpans.Count;
}
