using System.Diagnostics;
using System.Globalization;

namespace Kubetrace.Storage.Benchmark;

/// <summary>
/// The timed parts of a store benchmark, for any <see cref="ITraceStore"/> (<c>bench store</c> on the embedded
/// store, <c>bench clickhouse</c> on ClickHouse): acknowledged ingest from the generated input, trace by ID over
/// sampled IDs, and the searches of the table (the 20 most recent traces by namespace, service, duration).
/// </summary>
internal sealed class StoreMeasurements(int queries, TextWriter output)
{
    /// <summary>Appends the generated input with <paramref name="clients"/> appenders, counting acknowledged spans in <paramref name="counter"/> too.</summary>
    public async Task<(long Spans, double Seconds)> IngestAsync(ITraceStore store, string inputPath, int clients, Bench.PhaseCounter? counter = null)
    {
        var input = BenchmarkInput.Stream(inputPath);
        // Let the reader fill its buffer first so the timed part starts with batches ready.
        await Task.Delay(200);
        long appended = 0;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            await foreach (var (batch, buffer) in input.ReadAllAsync())
            {
                await store.AppendAsync(batch, CancellationToken.None);
                Interlocked.Add(ref appended, batch.SpanCount);
                counter?.Add(batch.SpanCount);
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer); // the store keeps no reference after the append
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (appended, watch.Elapsed.TotalSeconds);
    }

    public async Task TraceByIdAsync(ITraceStore store, List<TraceId> sample)
    {
        var random = new Random(7);
        var latencies = new List<double>();
        var spansFound = 0L;
        for (var i = 0; i < queries; i++)
        {
            var id = sample[random.Next(sample.Count)];
            var watch = Stopwatch.StartNew();
            var trace = await store.GetTraceAsync(id, CancellationToken.None);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            spansFound += trace?.SelectMany(r => r.ScopeSpans).Sum(s => s.Spans.Count) ?? 0;
        }
        Line($"trace by ID ({queries} random sampled IDs): {Percentiles(latencies)}; {spansFound / (double)queries:F1} spans/trace found");
    }

    public async Task SearchesAsync(ITraceStore store, DateTimeOffset now)
    {
        var lastHour = TimeRange.Last(TimeSpan.FromHours(1), now);
        var namespaces = KubernetesTraceGenerator.NamespaceValues;
        var services = new[] { "apiserver", "kubelet", "etcd", "containerd" };
        await SearchAsync(store, "20 most recent, namespace=X, last hour", i =>
            new FetchRequest(lastHour, [Condition.Attribute("k8s.namespace.name", namespaces[i % namespaces.Count], AttributeScope.Span)]));
        await SearchAsync(store, "20 most recent, service=X, last hour", i =>
            new FetchRequest(lastHour, [Condition.Service(services[i % services.Length])]));
        await SearchAsync(store, "20 most recent, duration>=400ms, last hour", i =>
            new FetchRequest(lastHour, [Condition.MinDuration(TimeSpan.FromMilliseconds(400 + i % 50))]));
        await SearchAsync(store, "20 most recent, service=etcd && namespace=X (same span), last hour", i =>
            new FetchRequest(lastHour, [Condition.Service("etcd"), Condition.Attribute("k8s.namespace.name", namespaces[i % namespaces.Count], AttributeScope.Span)]));
    }

    public async Task SearchAsync(ITraceStore store, string name, Func<int, FetchRequest> request, int runs = 20)
    {
        var latencies = new List<double>();
        var found = 0;
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var result = await store.FetchAsync(request(i), CancellationToken.None);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            found += result.Count;
        }
        Line($"search {name}: {Percentiles(latencies)}; {found / (double)runs:F1} traces/query");
    }

    public static string Percentiles(List<double> values)
    {
        values.Sort();
        double At(double p) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.5):F2} ms, p99 {At(0.99):F2} ms, max {values[^1]:F2} ms");
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private void Line(string text) => output.WriteLine(text);
}
