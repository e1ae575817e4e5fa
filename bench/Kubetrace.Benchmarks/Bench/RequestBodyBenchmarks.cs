using BenchmarkDotNet.Attributes;
using Kubetrace.Bench.Workload;

namespace Kubetrace.Benchmarks.Bench;

/// <summary>The load generator's own cost per send: fresh IDs and times patched into a pre-encoded request.</summary>
[MemoryDiagnoser]
public class RequestBodyBenchmarks
{
    private RequestBody _body = null!;
    private ulong _salt;

    [Params(500)]
    public int Spans { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var template = KubernetesRequests.Encoded(Spans);
        _body = new RequestBody(template, PatchMap.Scan(template), UnixNanos.Now());
    }

    [Benchmark]
    public void Refresh() => _body.Refresh(++_salt, UnixNanos.Now());

    [Benchmark]
    public int Gzip() => _body.Gzip().Count;
}
