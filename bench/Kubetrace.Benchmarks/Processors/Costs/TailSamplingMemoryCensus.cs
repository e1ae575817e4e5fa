using Google.Protobuf;
using Kubetrace.Bench.Workload;
using Kubetrace.Components;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Processors.TailSampling;
using Kubetrace.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Benchmarks.Processors.Costs;

/// <summary>
/// <c>tail-memory [requests]</c>: what tail sampling holds per buffered span, counted, not timed. Distinct requests
/// of the load generator's mix (500 spans each, every trace new) go into a processor whose decision never comes;
/// the live heap after full collections, less the heap before, divided by the spans buffered, is its memory per
/// span, beside the spans' own encoded bytes. The requests are made one at a time and dropped once handed over, so
/// whatever the processor keeps of them counts.
/// </summary>
internal static class TailSamplingMemoryCensus
{
    public static void Run(string[] args)
    {
        var requests = args.Length > 1 ? int.Parse(args[1]) : 400;
        var mix = new KubernetesSpanMix(attributesPerSpan: 15, seed: 1);
        var now = UnixNanos.Now();
        var before = LiveHeap();
        var processor = new TailSamplingProcessor(Settings(), new TailSamplingConfig
        {
            DecisionWait = TimeSpan.FromHours(1),
            NumTraces = 100_000_000,
            Policies = [new PolicyConfig { Name = "kubernetes", Type = "kubernetes", Kubernetes = new KubernetesPolicyConfig { SamplingRatePerMillion = 100_000 } }],
        }, Discard.Instance);
        long spans = 0, spanBytes = 0, requestBytes = 0;
        for (var i = 0; i < requests; i++)
        {
            var request = mix.Build(500, i, now);
            foreach (var resource in request.ResourceSpans)
                foreach (var scope in resource.ScopeSpans)
                    foreach (var span in scope.Spans)
                    {
                        spans++;
                        spanBytes += span.CalculateSize();
                    }
            var encoded = request.ToByteArray();
            requestBytes += encoded.Length;
            processor.ConsumeAsync(TraceBatch.FromEncoded(encoded, 500), default).AsTask().GetAwaiter().GetResult();
        }
        var after = LiveHeap();
        var held = after - before;
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        Console.WriteLine($"{requests} requests, {spans:N0} spans buffered, {requestBytes:N0} request bytes");
        Console.WriteLine($"span bytes:  {spanBytes:N0} ({(double)spanBytes / spans:N0} B per span)");
        Console.WriteLine($"live heap held by the processor: {held:N0} B ({(double)held / spans:N0} B per span, {(double)(held - spanBytes) / spans:N0} B beyond the span's bytes)");
        Console.WriteLine($"GC: heap {info.HeapSizeBytes:N0} B, fragmented {info.FragmentedBytes:N0} B, committed {info.TotalCommittedBytes:N0} B, " +
                          $"pinned objects {info.PinnedObjectsCount}; process working set {Environment.WorkingSet:N0} B");
        GC.KeepAlive(processor);
    }

    private static long LiveHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static ComponentSettings Settings()
    {
        ComponentId.TryParse("tail_sampling", out var id, out _);
        return new ComponentSettings(id, NullLoggerFactory.Instance, new MetricsRegistry(), new ServiceStatus());
    }

    private sealed class Discard : ITraceConsumer
    {
        public static readonly Discard Instance = new();

        public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
