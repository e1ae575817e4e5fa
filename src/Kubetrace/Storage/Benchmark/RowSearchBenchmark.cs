using System.Diagnostics;
using System.Globalization;
using Kubetrace.Analysis;
using Kubetrace.Query.Budget;
using Kubetrace.Query.TraceQl;

namespace Kubetrace.Storage.Benchmark;

/// <summary>
/// <c>kubetrace bench analyze --row-searches</c>: every TraceQL search an analysis's table links its rows to, run as
/// the row's "all" link runs it (the last hour of the data, 20 traces, the service's read limits) but without the
/// service's 30 s timeout, so a slow search is measured whole. Each row's best of the runs, then the sum and the slowest.
/// </summary>
internal sealed class RowSearchBenchmark(ITraceStore store, int runs, TextWriter output)
{
    private static readonly QueryLimits NoTimeout = new() { QueryTimeout = TimeSpan.FromHours(1) };

    /// <summary>The hour up to the newest trace's start (and a second), wherever the data lies in time.</summary>
    public static async Task<TimeRange> LastHourAsync(ITraceStore store)
    {
        var newest = (await store.FetchAsync(new FetchRequest(TimeRange.All, [], Limit: 1), CancellationToken.None))[0].Summary;
        var end = newest.StartUnixNano + 1_000_000_000;
        return new TimeRange(end - 3_600_000_000_000, end);
    }

    public async Task RunAsync(string analysis, AnalysisTable table, TimeRange range)
    {
        var rows = table.Rows.Select((row, i) => (Row: row, Query: table.Searches.Count > i ? table.Searches[i]?.TraceQl : null))
            .Where(r => r.Query is not null).ToList();
        if (rows.Count == 0)
        {
            output.WriteLine($"row searches of {analysis}: none of its rows links a TraceQL search");
            return;
        }
        var timed = new List<(string Row, double Wall, double Cpu)>();
        foreach (var (row, query) in rows)
        {
            double wall = double.MaxValue, cpu = double.MaxValue;
            var note = "";
            for (var run = 0; run < runs; run++)
            {
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                var result = await new TraceQlSearch(store, NoTimeout).SearchAsync(new TraceQlSearchRequest(Parser.Parse(query!), range, 20), CancellationToken.None);
                wall = Math.Min(wall, watch.Elapsed.TotalMilliseconds);
                cpu = Math.Min(cpu, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds);
                note = $"{result.Traces.Count} traces, {result.Cost.InspectedTraces:N0} inspected{(result.Incomplete is { } cut ? $", cut: {cut.Limit}" : "")}";
            }
            var name = $"{row[0]} {row[1]}";
            timed.Add((name, wall, cpu));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  row search {analysis} {name}: best of {runs} {wall:F0} ms wall, CPU {cpu:F0} ms; {note}"));
        }
        var slowest = timed.MaxBy(t => t.Wall);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"row searches of {analysis}: {timed.Count} rows, {timed.Sum(t => t.Wall):F0} ms wall in all (CPU {timed.Sum(t => t.Cpu):F0} ms), " +
            $"mean {timed.Average(t => t.Wall):F0} ms, slowest {slowest.Wall:F0} ms ({slowest.Row})"));
    }
}
