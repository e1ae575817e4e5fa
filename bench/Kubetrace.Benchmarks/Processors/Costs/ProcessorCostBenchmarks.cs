using BenchmarkDotNet.Attributes;
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
/// </summary>
[MemoryDiagnoser]
public class ProcessorCostBenchmarks
{
    private byte[] _request = [];
    private RedactionProcessor _redaction = null!;
    private TailSamplingProcessor _tail = null!;

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
        _tail.ConsumeAsync(TraceBatch.FromEncoded(_request, 500), default).AsTask().GetAwaiter().GetResult();
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
