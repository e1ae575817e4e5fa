using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Storage.Head;

namespace Kubetrace.Benchmarks.Storage.Head;

/// <summary>
/// What the head's reverse link map costs the append path, on the simulator's cluster traffic (1.31: every
/// apiserver request a client made links to the client's span, so links are as frequent as they get): the whole
/// head append, and the link indexing alone (the same rows indexed again into an empty map).
/// </summary>
[MemoryDiagnoser]
public class HeadLinkBenchmarks
{
    private List<byte[]> _requests = [];
    private HeadBlock _frozen = null!;

    [Params(100_000)]
    public int Spans { get; set; } = 100_000;

    [GlobalSetup]
    public void Setup()
    {
        var simulator = new ClusterSimulator(new SimulationOptions
        {
            KubernetesVersion = new KubernetesVersion(1, 31), RequestsPerSecond = 200, Duration = TimeSpan.FromMinutes(10),
            Start = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), Seed = 3,
        });
        var spans = 0;
        foreach (var batch in simulator.Batches())
        {
            if (spans >= Spans) break;
            _requests.Add(batch.Request.ToByteArray());
            spans += batch.SpanCount;
        }
        _frozen = NewHead();
    }

    /// <summary>Links in the appended spans.</summary>
    public int LinkCount => _frozen.Links.Count;

    public int SpanCount => _frozen.SpanCount;

    [Benchmark(Baseline = true)]
    public int HeadAppend() => NewHead().SpanCount;

    [Benchmark]
    public int LinkIndex()
    {
        var links = new HeadLinks();
        links.Index(_frozen.Table, 0, _frozen.SpanCount);
        return links.Count;
    }

    private HeadBlock NewHead()
    {
        var head = new HeadBlock(1, Spans + 100_000);
        foreach (var request in _requests) head.Append(request);
        return head;
    }
}
