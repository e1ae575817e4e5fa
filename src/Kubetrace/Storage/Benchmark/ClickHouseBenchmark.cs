using System.Diagnostics;
using System.Globalization;
using Kubetrace.Analysis;
using Kubetrace.Query;
using Kubetrace.Storage.ClickHouse;

namespace Kubetrace.Storage.Benchmark;

/// <summary>
/// <c>kubetrace bench clickhouse</c>: the ClickHouse store on the <c>bench store</c> data set, in-process against a
/// running server or cluster: spans acknowledged by ClickHouse per second, bytes per span from system.parts, trace by
/// ID, the searches of the issue's table, the rollups' build cost, and every analysis that needs no argument with
/// the rollups and by scanning every span. The database is dropped and created again first.
/// </summary>
internal sealed class ClickHouseBenchmark(ClickHouseOptions options, long spans, string directory, int clients, int batchSpans, int queries, int runs,
    TextWriter output, Bench.PhaseProgress? progress = null, IReadOnlyList<int>? serverPids = null, bool ingestOnly = false,
    bool skipScan = false)
{
    /// <summary>Longest wait for the servers' merges after the ingest, so that their cost is counted with it.</summary>
    private static readonly TimeSpan MergesSettle = TimeSpan.FromMinutes(3);

    public async Task<int> RunAsync()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // figures as the docs write them
        Directory.CreateDirectory(directory);
        var inputPath = Path.Combine(directory, "input.otlp");
        var now = DateTimeOffset.UtcNow;
        var phases = progress ?? Bench.PhaseProgress.None;
        var sample = await phases.RunAsync("generate", spans, counter => Task.Run(() => BenchmarkInput.Generate(inputPath, spans, batchSpans, now, counter: counter)));
        var servers = options.ShardEndpoints.Count > 0 ? options.ShardEndpoints : [options.Endpoint];
        Line($"ClickHouse at {string.Join(", ", servers)}{(options.Cluster.Length > 0 ? $" (cluster {options.Cluster})" : "")}, database {options.Database}");
        await DropDatabaseAsync(servers);

        var measure = new StoreMeasurements(queries, output);
        var rolling = options with { Rollups = Exporters.Kubetrace.KubetraceExporterConfig.AnalysisRollups(), RollupSettle = TimeSpan.Zero, RollupInterval = TimeSpan.Zero };
        await using var store = await ClickHouseTraceStore.OpenAsync(rolling);
        var cpu = CpuSeconds();
        var serverCpu = ServerCpuSeconds();
        var (appended, seconds) = await phases.RunAsync("ingest", spans, counter => measure.IngestAsync(store, inputPath, clients, counter));
        File.Delete(inputPath);
        var ingestCpu = CpuSeconds() - cpu;
        var inserts = store.GetStats().Backend?.Inserts ?? 0;
        Line(($"ingest: {appended:N0} spans acknowledged by ClickHouse in {seconds:F2}s = {appended / seconds:N0} spans/s " +
                  $"({clients} clients, {batchSpans} spans/batch, {inserts:N0} INSERTs: batches waiting for one go together); Kubetrace CPU {ingestCpu:F2}s = " +
                  $"{ingestCpu * 1e6 / Math.Max(1, appended):F1} µs/span"));
        await ServerCpuAsync(servers, serverCpu, appended, seconds);
        var stats = store.GetStats();
        Line(($"disk: spans table {stats.BlockBytes:N0} B = {stats.BlockBytesPerSpan:F1} B/span; every table (indexes, catalogs) " +
                  $"{stats.BytesOnDisk:N0} B = {stats.BytesOnDisk / (double)Math.Max(1, stats.Spans):F1} B/span (parts as inserted, before merges)"));
        if (stats.Backend is { } backend)
            foreach (var server in backend.Servers)
                Line(($"  {server.Endpoint}: {server.SpanRows:N0} spans, {server.BytesOnDisk:N0} B, {server.Parts} parts; " +
                          $"insert latency mean {backend.MeanInsertLatency.TotalMilliseconds:F1} ms, max {backend.MaxInsertLatency.TotalMilliseconds:F1} ms"));

        if (ingestOnly) return 0;
        await measure.TraceByIdAsync(store, sample);
        await measure.SearchesAsync(store, now);

        var watch = Stopwatch.StartNew();
        cpu = CpuSeconds();
        var minutes = await phases.RunAsync("build rollups", 0, _ => store.BuildRollupsAsync(CancellationToken.None));
        Line(($"rollups: {minutes} minutes rolled up in {watch.Elapsed.TotalSeconds:F1}s wall, Kubetrace CPU {CpuSeconds() - cpu:F1}s; " +
                  $"{store.GetStats().RollupBytes:N0} B"));
        // A second store without rollups, opened only when the scans are timed.
        await using var scanning = skipScan ? null : await ClickHouseTraceStore.OpenAsync(options with { Rollups = [] });
        foreach (var analysis in AnalysisCatalog.All.Where(a => !a.Arguments.Any(argument => argument.Required)))
        {
            var rolledUp = await TimeAsync(analysis, store);
            var scanned = scanning is null ? "not timed scanning every span (--skip-scan)" : $"{(await TimeAsync(analysis, scanning)).Seconds * 1000:F0} ms scanning every span";
            Line($"analyze {analysis.Name}: best of {runs} {rolledUp.Seconds * 1000:F0} ms with rollups, {scanned}; {rolledUp.Rows} rows");
        }
        Line($"load average (1/5/15 min): {StoreMeasurements.LoadAverage()}");
        return 0;
    }

    private async Task<(double Seconds, int Rows)> TimeAsync(AnalysisDefinition analysis, ITraceStore store)
    {
        var best = double.MaxValue;
        var rows = 0;
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var result = await analysis.RunAsync(new AnalysisRequest(new QueryEngine(store), TimeRange.All, new Dictionary<string, string>()),
                CancellationToken.None);
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
            rows = result.Table.Rows.Count;
        }
        return (best, rows);
    }

    private async Task DropDatabaseAsync(IEnumerable<Uri> servers)
    {
        foreach (var server in servers)
        {
            using var http = new ClickHouseHttp(options with { Endpoint = server });
            await http.ExecuteAsync($"DROP DATABASE IF EXISTS {ClickHouseSchema.Identifier(options.Database)}", CancellationToken.None, withoutDatabase: true);
        }
    }

    private static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>CPU time the servers (<c>--server-pid</c>, on this machine) have used so far; null when none is named.</summary>
    private double? ServerCpuSeconds() =>
        serverPids is { Count: > 0 } ? serverPids.Sum(pid => Bench.Measurement.ProcFs.CpuTime(pid)?.TotalSeconds ?? 0) : null;

    /// <summary>
    /// The servers' CPU per span: during the ingest, and with the merges the ingest left behind (waited for, at most
    /// <see cref="MergesSettle"/>), since ClickHouse's cost of an insert is both.
    /// </summary>
    private async Task ServerCpuAsync(IEnumerable<Uri> servers, double? before, long appended, double seconds)
    {
        if (before is not { } start) return;
        var during = ServerCpuSeconds()!.Value - start;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < MergesSettle && await MergesRunningAsync(servers) > 0) await Task.Delay(500);
        var merged = ServerCpuSeconds()!.Value - start;
        var perSpan = 1e6 / Math.Max(1, appended);
        Line(($"ClickHouse server CPU: {during:F2}s during the ingest = {during * perSpan:F1} µs/span ({during / seconds:F2} cores); " +
                  $"{merged:F2}s = {merged * perSpan:F1} µs/span with the merges that followed ({watch.Elapsed.TotalSeconds:F0}s after)"));
    }

    private async Task<long> MergesRunningAsync(IEnumerable<Uri> servers)
    {
        long merges = 0;
        foreach (var server in servers)
        {
            using var http = new ClickHouseHttp(options with { Endpoint = server });
            var lines = await http.QueryLinesAsync("SELECT count() FROM system.merges", CancellationToken.None);
            merges += lines.Count > 0 ? long.Parse(lines[0], CultureInfo.InvariantCulture) : 0;
        }
        return merges;
    }

    private void Line(string text) => output.WriteLine(text);
}
