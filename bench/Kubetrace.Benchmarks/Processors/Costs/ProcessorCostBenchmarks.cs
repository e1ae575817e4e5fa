using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Kubetrace.Bench.Workload;
using Kubetrace.Components;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Processors.Redaction;
using Kubetrace.Processors.TailSampling;
using Kubetrace.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Benchmarks.Processors.Costs;

/// <summary>
/// What the default-shaped processors cost per request of 500 spans of the load generator's mix, received as bytes
/// (as <c>serve</c> hands them on): redaction with <c>preset: kubernetes</c>, tail sampling with the kubernetes
/// policy (admitting the request, then deciding every trace in it), and the object decode that both once began with.
/// Tail sampling gets new trace IDs in every operation (the high half counts up, the low half, which the sampling
/// rate reads, stays), so each operation admits 500 spans of new traces rather than following earlier decisions.
/// </summary>
[MemoryDiagnoser]
public class ProcessorCostBenchmarks
{
    private byte[] _request = [];
    private RedactionProcessor _redaction = null!;
    private TailSamplingProcessor _tail = null!;
    private byte[] _tailRequest = [];
    private (int Offset, ulong High)[] _traceIds = [];
    private ulong _operation;

    [GlobalSetup]
    public void Setup()
    {
        _request = KubernetesRequests.Encoded(500);
        _redaction = new RedactionProcessor(Settings("redaction"), new RedactionConfig { AllowAllKeys = true, Preset = "kubernetes" }, Discard.Instance);
        var tail = new TailSamplingConfig
        {
            DecisionWait = TimeSpan.Zero,
            Policies = [new PolicyConfig { Name = "kubernetes", Type = "kubernetes", Kubernetes = new KubernetesPolicyConfig { SamplingRatePerMillion = 100_000 } }],
        };
        _tail = new TailSamplingProcessor(Settings("tail_sampling"), tail, Discard.Instance);
        _tailRequest = (byte[])_request.Clone();
        _traceIds = PatchMap.Scan(_request).TraceIds.Select(o => (o, BinaryPrimitives.ReadUInt64BigEndian(_request.AsSpan(o)))).ToArray();
    }

    [Benchmark(Baseline = true)]
    public int Decode() => ExportTraceServiceRequest.Parser.ParseFrom(_request).ResourceSpans.Count;

    [Benchmark]
    public int Redaction()
    {
        _redaction.ConsumeAsync(TraceBatch.FromEncoded(_request, 500), default).AsTask().GetAwaiter().GetResult();
        return 500;
    }

    [Benchmark]
    public int TailSampling()
    {
        _operation++;
        foreach (var (offset, high) in _traceIds) BinaryPrimitives.WriteUInt64BigEndian(_tailRequest.AsSpan(offset), high ^ (_operation << 32));
        _tail.ConsumeAsync(TraceBatch.FromEncoded(_tailRequest, 500), default).AsTask().GetAwaiter().GetResult();
        _tail.DecideDueAsync(default).GetAwaiter().GetResult();
        return 500;
    }

    private static ComponentSettings Settings(string id)
    {
        ComponentId.TryParse(id, out var parsed, out _);
        return new ComponentSettings(parsed, NullLoggerFactory.Instance, new MetricsRegistry(), new ServiceStatus());
    }

    private sealed class Discard : ITraceConsumer
    {
        public static readonly Discard Instance = new();

        public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
