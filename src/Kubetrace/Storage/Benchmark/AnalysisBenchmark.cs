using System.Diagnostics;
using System.Globalization;
using Kubetrace.Analysis;
using Kubetrace.Query;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Storage.Benchmark;

/// <summary>
/// <c>kubetrace bench analyze</c>: loads N spans of the Kubernetes benchmark shape into a store (or reuses one
/// loaded before), then times the raw span scan (spans per second, wall and CPU) and every analysis of the
/// <see cref="AnalysisCatalog"/> over the whole data set, as <c>kubetrace analyze</c> would run it.
/// </summary>
/// <param name="rollups">Build the analyses' per-block rollups after loading (timed: build cost per span, rollup
/// bytes against block bytes) and let the analyses merge them; false: every analysis scans every span.</param>
/// <param name="simulatedRate">When set, the data set is one hour of <c>kubetrace simulate</c> traffic at this many
/// apiserver requests per second (every scenario planted, sampled at 100%) instead of <paramref name="spans"/>
/// spans of the <c>bench store</c> shape.</param>
internal sealed class AnalysisBenchmark(long spans, string directory, bool reuse, int runs, IReadOnlyList<string> only, bool fallback,
    TextWriter output, double? simulatedRate = null, bool rollups = true, Bench.PhaseProgress? progress = null, bool rowSearches = false)
{
    private readonly Bench.PhaseProgress _phases = progress ?? Bench.PhaseProgress.None;

    /// <summary>Four raw keys, as a typical analysis asks (namespace, resource, verb, pod).</summary>
    private static readonly string[] FourKeys = ["k8s.namespace.name", "k8s.resource", "k8s.verb", "k8s.pod.name"];

    public async Task<int> RunAsync()
    {
        var storeDirectory = Path.Combine(directory, "store");
        var options = new StoreOptions { Directory = storeDirectory, Retention = TimeSpan.Zero, WalCompression = false };
        if (!reuse || !Directory.Exists(storeDirectory)) await LoadAsync(options, storeDirectory);

        // Rollups are built here, timed, not by the background loop: settled at once, looked for only hourly.
        await using var store = EmbeddedTraceStore.Open(new StoreOptions
        {
            Directory = storeDirectory, Retention = TimeSpan.Zero, WalCompression = false,
            Rollups = rollups ? Exporters.Kubetrace.KubetraceExporterConfig.AnalysisRollups() : [],
            RollupSettle = TimeSpan.Zero, RollupInterval = TimeSpan.FromHours(1),
        });
        var stats = store.GetStats();
        Line($"store: {stats.Spans:N0} spans, {stats.Traces:N0} traces in {stats.Blocks} blocks (+{stats.HeadSpans:N0} in the head)");
        if (rollups) await BuildRollupsAsync(store, stats);
        else Line("rollups: off (--no-rollups): every analysis scans every span");
        var range = TimeRange.All;

        Time("scan, no attribute keys", () => Scan(store, new SpanScanRequest(range, [])));
        Time("scan, 4 attribute keys (namespace, resource, verb, pod)", () => Scan(store, new SpanScanRequest(range, FourKeys)));
        if (fallback) Time("scan, object fallback (1/100 of the traces)", () => ObjectScanSample(store, range));

        var engine = new QueryEngine(store);
        var samples = await SampleArgumentsAsync(store, range);
        var tables = new List<(string Analysis, AnalysisTable Table)>();
        foreach (var analysis in AnalysisCatalog.All.Where(a => only.Count == 0 || only.Contains(a.Name)))
        {
            var missing = analysis.Arguments.Where(a => a.Required && !samples.ContainsKey(a.Name)).Select(a => a.Name).ToList();
            if (missing.Count > 0)
            {
                Line($"analyze {analysis.Name}: skipped (needs {string.Join(", ", missing)})");
                continue;
            }
            var parameters = analysis.Arguments.Where(a => samples.ContainsKey(a.Name)).ToDictionary(a => a.Name, a => samples[a.Name]);
            var given = parameters.Count == 0 ? "" : $" ({string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}"))})";
            Time($"analyze {analysis.Name}{given}", () =>
            {
                var result = analysis.RunAsync(new AnalysisRequest(engine, range, parameters), CancellationToken.None)
                    .GetAwaiter().GetResult();
                if (tables.Count == 0 || tables[^1].Analysis != analysis.Name) tables.Add((analysis.Name, result.Table));
                // A per-span rate only for analyses that read the whole range (not one or two traces).
                return (parameters.Count == 0 ? stats.Spans : 0, $"{result.Table.Rows.Count} rows");
            });
        }
        if (rowSearches)
        {
            var hour = await RowSearchBenchmark.LastHourAsync(store);
            foreach (var (analysis, table) in tables) await new RowSearchBenchmark(store, runs, output).RunAsync(analysis, table, hour);
        }
        Line($"load average (1/5/15 min): {(File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a")}");
        return 0;
    }

    /// <summary>Builds every missing rollup, reporting what it cost and what it takes on disk.</summary>
    private async Task BuildRollupsAsync(EmbeddedTraceStore store, StoreStats before)
    {
        var registered = Exporters.Kubetrace.KubetraceExporterConfig.AnalysisRollups();
        if (registered.Count == 0)
        {
            Line("rollups: no analysis has a rollup; every analysis scans every span");
            return;
        }
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var blocks = await _phases.RunAsync("build rollups", 0, _ => store.BuildRollupsAsync(CancellationToken.None));
        var wall = watch.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var after = store.GetStats();
        var rolledSpans = blocks == 0 ? 0 : before.BlockSpans;
        var cost = rolledSpans > 0
            ? string.Create(CultureInfo.InvariantCulture, $" ({cpuSeconds * 1e9 / rolledSpans:F0} ns CPU per block span, all rollups in one pass)")
            : " (already built: --reuse)";
        Line(string.Create(CultureInfo.InvariantCulture,
            $"rollups ({string.Join(", ", registered.Select(r => r.Id))}): built for {blocks} blocks in {wall:F1}s wall, {cpuSeconds:F1}s CPU{cost}; " +
            $"{after.RollupsBuilt} built, {after.RollupsPending} pending; {after.RollupBytes:N0} B = " +
            $"{100.0 * after.RollupBytes / Math.Max(1, after.BlockBytes):F2}% of the block bytes ({after.BlockBytes:N0} B)"));
    }

    /// <summary>Arguments for the analyses that need one: two stored traces, and the namespace/pod of the first.</summary>
    private static async Task<Dictionary<string, string>> SampleArgumentsAsync(ITraceStore store, TimeRange range)
    {
        var traces = await store.FetchAsync(new FetchRequest(range, [], true, 2), CancellationToken.None);
        var samples = new Dictionary<string, string>(StringComparer.Ordinal);
        if (traces.Count == 0) return samples;
        samples["trace-id"] = samples["trace-a"] = traces[0].Summary.TraceId.ToString();
        samples["trace-b"] = traces[^1].Summary.TraceId.ToString();
        await store.ScanAsync(new SpanScanRequest(range, FourKeys), trace =>
        {
            if (samples.ContainsKey("object")) return;
            var span = trace.Spans.FirstOrDefault(s => s.Values[0] is not null && s.Values[3] is not null);
            if (span is not null) samples["object"] = span.Values[0] + "/" + span.Values[3];
        }, CancellationToken.None);
        return samples;
    }

    internal async Task LoadAsync(StoreOptions options, string storeDirectory)
    {
        Directory.CreateDirectory(directory);
        if (Directory.Exists(storeDirectory)) Directory.Delete(storeDirectory, recursive: true);
        if (simulatedRate is { } rate)
        {
            await LoadSimulatedAsync(options, storeDirectory, rate);
            return;
        }
        var inputPath = Path.Combine(directory, "input.otlp");
        var watch = Stopwatch.StartNew();
        await _phases.RunAsync("generate", spans, counter => Task.Run(() => BenchmarkInput.Generate(inputPath, spans, 1000, DateTimeOffset.UtcNow, counter: counter)));
        Line($"generated {spans:N0} spans in {watch.Elapsed.TotalSeconds:F1}s");
        watch.Restart();
        await using var store = EmbeddedTraceStore.Open(options);
        var input = BenchmarkInput.Stream(inputPath);
        await _phases.RunAsync("load", spans, counter => Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await foreach (var (batch, buffer) in input.ReadAllAsync())
            {
                await store.AppendAsync(batch, CancellationToken.None);
                counter.Add(batch.SpanCount);
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }))));
        await store.FlushHeadAsync();
        File.Delete(inputPath);
        Line($"loaded into {storeDirectory} in {watch.Elapsed.TotalSeconds:F1}s (not part of the figures below; --reuse skips it)");
    }

    /// <summary>One hour of simulated cluster traffic, appended as the simulator batches it (4 appenders).</summary>
    private async Task LoadSimulatedAsync(StoreOptions options, string storeDirectory, double rate)
    {
        var watch = Stopwatch.StartNew();
        var simulator = new Kubernetes.Simulation.ClusterSimulator(new Kubernetes.Simulation.SimulationOptions
        {
            RequestsPerSecond = rate,
            Duration = TimeSpan.FromHours(1),
            Start = DateTimeOffset.UtcNow - TimeSpan.FromHours(1),
            Scenarios = Kubernetes.Simulation.SimulationScenario.SlowWebhook | Kubernetes.Simulation.SimulationScenario.FailingWebhook
                | Kubernetes.Simulation.SimulationScenario.EtcdSlow | Kubernetes.Simulation.SimulationScenario.ImagePullSlow
                | Kubernetes.Simulation.SimulationScenario.ApfThrottling,
        });
        await using var store = EmbeddedTraceStore.Open(options);
        var queue = System.Threading.Channels.Channel.CreateBounded<Pipeline.TraceBatch>(64);
        await _phases.RunAsync("simulate and load", 0, async counter =>
        {
            var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                await foreach (var batch in queue.Reader.ReadAllAsync())
                {
                    await store.AppendAsync(batch, CancellationToken.None);
                    counter.Add(batch.SpanCount);
                }
            })).ToArray();
            foreach (var batch in simulator.Batches())
                await queue.Writer.WriteAsync(Pipeline.TraceBatch.FromEncoded(Google.Protobuf.MessageExtensions.ToByteArray(batch.Request), batch.SpanCount));
            queue.Writer.Complete();
            await Task.WhenAll(workers);
        });
        await store.FlushHeadAsync();
        var report = simulator.Report;
        Line($"simulated 1h at {rate:N0} apiserver requests/s (scenarios {string.Join(", ", report.Scenarios)}): {report.Spans:N0} spans, " +
             $"{report.Traces:N0} traces, generated and loaded into {storeDirectory} in {watch.Elapsed.TotalSeconds:F1}s (not part of the figures below)");
    }

    private static (long Spans, string Note) Scan(ITraceStore store, SpanScanRequest request)
    {
        long spans = 0, traces = 0, values = 0;
        store.ScanAsync(request, trace =>
        {
            traces++;
            spans += trace.Spans.Count;
            foreach (var span in trace.Spans)
                if (span.Values.Length > 0 && span.Values[0] is not null) values++;
        }, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return (spans, $"{traces:N0} traces, {values:N0} spans with the first key");
    }

    private static (long Spans, string Note) ObjectScanSample(ITraceStore store, TimeRange range)
    {
        long spans = 0, traces = 0;
        var request = new SpanScanRequest(range, FourKeys);
        var matches = store.FetchAsync(new FetchRequest(range, [], true, TraceObjectScan.MaxTraces), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var trace = new ScannedTrace();
        foreach (var match in matches.Where((_, i) => i % 100 == 0))
        {
            var stored = store.GetTraceAsync(match.Summary.TraceId, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (stored is null) continue;
            TraceObjectScan.Fill(trace, match.Summary.TraceId, stored, request);
            traces++;
            spans += trace.Spans.Count;
        }
        return (spans, $"{traces:N0} traces (the fetch of every trace summary included)");
    }

    private void Time(string name, Func<(long Spans, string Note)> run)
    {
        var walls = new List<double>();
        var cpus = new List<double>();
        (long Spans, string Note) last = default;
        for (var i = 0; i < runs; i++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var watch = Stopwatch.StartNew();
            last = run();
            walls.Add(watch.Elapsed.TotalSeconds);
            cpus.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            if (i == runs - 1)
                Line(last.Spans == 0
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"{name}: best of {runs} {walls.Min() * 1000:F1} ms wall, CPU {cpus.Min() * 1000:F1} ms; {last.Note}")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"{name}: best of {runs} {walls.Min() * 1000:F0} ms wall ({last.Spans / walls.Min() / 1e6:F1}M spans/s), " +
                        $"CPU {cpus.Min() * 1000:F0} ms ({last.Spans / Math.Max(cpus.Min(), 1e-9) / 1e6:F1}M spans per CPU-second); " +
                        $"{(GC.GetTotalAllocatedBytes() - allocated) / (double)Math.Max(1, last.Spans):F1} B allocated/span; {last.Note}"));
        }
    }

    private void Line(string text) => output.WriteLine(text);
}
