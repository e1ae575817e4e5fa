using System.Buffers.Binary;
using System.Diagnostics;
using Google.Protobuf;
using Kubetrace.Bench.Workload;
using Kubetrace.Components;
using Kubetrace.Pipeline;
using Kubetrace.Processors.TailSampling;
using Kubetrace.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Benchmarks.Processors.Costs;

/// <summary>
/// <c>tail-memory [requests]</c> and <c>tail-memory [requests] steady [window] [tick]</c>: what tail sampling holds per
/// buffered span, counted, and in the steady flow what it costs.
/// <list type="bullet">
/// <item>Census: distinct requests of the load generator's mix (500 spans each, every trace new) go into a processor
/// whose decision never comes; the live heap after full collections, less the heap before, divided by the spans
/// buffered, is its memory per span, beside the spans' own encoded bytes.</item>
/// <item>Steady: the same flow with a decision <c>window</c> requests after each trace's arrival (a clock that moves
/// one second per request, decision_wait = window seconds), deciding every <c>tick</c> requests (default 1) as a
/// server's loop does every decision_wait / 10; no forced collection. The process's peak working set and the GC's
/// committed bytes, against the bytes buffered at the end, say how much memory the collector needs beyond the live
/// data in the flow a server sees; the process's CPU time per request after the first window (every thread, the
/// GC's included) and the collections it caused say what the flow costs, buffer and collector included.</item>
/// </list>
/// Each request is a fresh array (as a receiver hands it on) dropped once handed over, so whatever the processor keeps
/// of it counts. Trace IDs are new in every request (the template's high halves count up; the low halves, which the
/// sampling rate reads, stay).
/// </summary>
internal static class TailSamplingMemoryCensus
{
    public static void Run(string[] args)
    {
        var requests = args.Length > 1 ? int.Parse(args[1]) : 400;
        var steady = args.Length > 2 && args[2] == "steady";
        var window = args.Length > 3 ? int.Parse(args[3]) : 400;
        var tick = args.Length > 4 ? int.Parse(args[4]) : 1;
        var mix = new KubernetesSpanMix(attributesPerSpan: 15, seed: 1);
        var now = UnixNanos.Now();
        var templates = Enumerable.Range(0, 16).Select(v => mix.Build(500, v, now).ToByteArray()).ToArray();
        var traceIds = templates.Select(t => PatchMap.Scan(t).TraceIds.Select(o => (o, BinaryPrimitives.ReadUInt64BigEndian(t.AsSpan(o)))).ToArray()).ToArray();
        var spanBytesPerTemplate = templates.Select(t => global::Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest.Parser.ParseFrom(t).ResourceSpans
            .SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Sum(s => (long)s.CalculateSize())).ToArray();

        var before = LiveHeap();
        var clock = new SteppedClock();
        var processor = new TailSamplingProcessor(Settings(), new TailSamplingConfig
        {
            DecisionWait = steady ? TimeSpan.FromSeconds(window) : TimeSpan.FromDays(1),
            // Steady: room for the pending traces (≈ 50 a request) and as many decided ones, as a server's num_traces gives.
            NumTraces = steady ? window * 100 : 100_000_000,
            Policies = [new PolicyConfig { Name = "kubernetes", Type = "kubernetes", Kubernetes = new KubernetesPolicyConfig { SamplingRatePerMillion = 100_000 } }],
        }, Discard.Instance, clock);
        long spans = 0, spanBytes = 0;
        var pending = new Queue<long>(); // span bytes of the requests whose traces are still undecided
        var cost = new FlowCost();
        for (var i = 0; i < requests; i++)
        {
            if (steady && i == window) cost.Start();
            var template = i % templates.Length;
            var request = (byte[])templates[template].Clone();
            foreach (var (offset, high) in traceIds[template]) BinaryPrimitives.WriteUInt64BigEndian(request.AsSpan(offset), high ^ ((ulong)(i + 1) << 32));
            processor.ConsumeAsync(TraceBatch.FromEncoded(request, 500), default).AsTask().GetAwaiter().GetResult();
            spans += 500;
            spanBytes += spanBytesPerTemplate[template];
            if (!steady) continue;
            clock.Now++;
            if (clock.Now % tick == 0) processor.DecideDueAsync(default).GetAwaiter().GetResult();
            pending.Enqueue(spanBytesPerTemplate[template]);
            if (pending.Count > window) pending.Dequeue();
        }
        var info = GC.GetGCMemoryInfo();
        using var process = Process.GetCurrentProcess();
        if (steady)
        {
            // Every trace is whole in its request, so the undecided ones are those of the last `window` requests.
            var bufferedSpans = pending.Count * 500L;
            Console.WriteLine($"{requests} requests ({spans:N0} spans, {spanBytes:N0} span bytes), decided {window} requests after arrival");
            Console.WriteLine($"buffered at the end: {bufferedSpans:N0} spans, {pending.Sum():N0} B of span");
            Console.WriteLine($"GC committed {info.TotalCommittedBytes:N0} B, heap {info.HeapSizeBytes:N0} B, peak working set {process.PeakWorkingSet64:N0} B " +
                              $"({(double)process.PeakWorkingSet64 / bufferedSpans:N0} B per buffered span); gen2 collections {GC.CollectionCount(2)}");
            Console.WriteLine(cost.Report(requests - window));
        }
        else
        {
            var held = LiveHeap() - before;
            Console.WriteLine($"{requests} requests, {spans:N0} spans buffered");
            Console.WriteLine($"span bytes:  {spanBytes:N0} ({(double)spanBytes / spans:N0} B per span)");
            Console.WriteLine($"live heap held by the processor: {held:N0} B ({(double)held / spans:N0} B per span, {(double)(held - spanBytes) / spans:N0} B beyond the span's bytes)");
            Console.WriteLine($"GC: heap {info.HeapSizeBytes:N0} B, committed {info.TotalCommittedBytes:N0} B; peak working set {process.PeakWorkingSet64:N0} B");
        }
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

    /// <summary>The process's CPU time and collections from <see cref="Start"/> on.</summary>
    private sealed class FlowCost
    {
        private TimeSpan _cpu, _pause;
        private int _gen0, _gen1, _gen2;
        private long _allocated;

        public void Start()
        {
            (_gen0, _gen1, _gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            _allocated = GC.GetTotalAllocatedBytes(precise: true);
            _pause = GC.GetTotalPauseDuration();
            _cpu = Process.GetCurrentProcess().TotalProcessorTime;
        }

        public string Report(int requests)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpu;
            return $"after the first window, per request of 500 spans: {cpu.TotalMicroseconds / requests:N0} us CPU " +
                   $"({cpu.TotalMicroseconds / requests / 500:F2} us per span), {(GC.GetTotalAllocatedBytes(precise: true) - _allocated) / requests:N0} B allocated; " +
                   $"collections gen0 {GC.CollectionCount(0) - _gen0}, gen1 {GC.CollectionCount(1) - _gen1}, gen2 {GC.CollectionCount(2) - _gen2}; " +
                   $"GC pauses {(GC.GetTotalPauseDuration() - _pause).TotalMicroseconds / requests:N0} us per request";
        }
    }

    /// <summary>One tick per second; moved by the caller.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        public long Now { get; set; }

        public override long TimestampFrequency => 1;

        public override long GetTimestamp() => Now;
    }

    private sealed class Discard : ITraceConsumer
    {
        public static readonly Discard Instance = new();

        public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
