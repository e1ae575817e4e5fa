using System.Diagnostics;
using System.Globalization;
using Kubetrace.Analysis;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Query.Budget;
using Kubetrace.Query.TraceQl;

namespace Kubetrace.Storage.Benchmark;

/// <summary>
/// <c>kubetrace bench analyze --row-searches</c>: every TraceQL search an analysis's table links its rows to, run as
/// the UI's links run them (the last hour of the data, 20 traces, the service's read limits) but without the
/// service's 30 s timeout, so a slow search is measured whole: the row's "all" link, and its "slowest" and "typical"
/// searches, the same search narrowed by a duration stage to the p99's and the p50's bounds — the links the UI gives
/// a row without examples of its own (a row with them links its slowest and typical traces by ID, kept by the
/// analysis: nothing to search when clicked; the output marks those rows). Each link's best of the runs, then per kind
/// of link the sum and the slowest.
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
        var rows = table.Rows.Select((row, i) => (Row: row, Index: i, Query: table.Searches.Count > i ? table.Searches[i]?.TraceQl : null))
            .Where(r => r.Query is not null).ToList();
        if (rows.Count == 0)
        {
            output.WriteLine($"row searches of {analysis}: none of its rows links a TraceQL search");
            return;
        }
        var timed = new List<(string Link, string Row, double Wall, double Cpu)>();
        foreach (var (row, index, query) in rows)
        {
            var name = $"{row[0]} {row[1]}";
            var ownExamples = table.Examples.Count > index && table.Examples[index] is not null;
            var sample = table.Samples.Count > index ? table.Samples[index] : null;
            foreach (var (link, linked) in Links(query!, sample))
            {
                var (wall, cpu, note) = await TimeAsync(linked, range);
                timed.Add((link, name, wall, cpu));
                var own = ownExamples && link != "all" ? " (the UI links the row's own examples instead)" : "";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  row search {analysis} {name} ({link}): best of {runs} {wall:F0} ms wall, CPU {cpu:F0} ms; {note}{own}"));
            }
        }
        foreach (var links in timed.GroupBy(t => t.Link))
        {
            var slowest = links.MaxBy(t => t.Wall);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"row searches of {analysis} ({links.Key}): {links.Count()} rows, {links.Sum(t => t.Wall):F0} ms wall in all (CPU {links.Sum(t => t.Cpu):F0} ms), " +
                $"mean {links.Average(t => t.Wall):F0} ms, slowest {slowest.Wall:F0} ms ({slowest.Row})"));
        }
    }

    /// <summary>
    /// A row's links as the UI's analysis-table.js exampleLinks builds them: "all" is the row's search; "slowest" keeps
    /// its spans at or above the p99's lower bound and "typical" those within the p50's bounds, each bound widened
    /// outwards by a latency-sketch bucket's share (1/128) and a microsecond; a row without those percentiles has
    /// "all" only.
    /// </summary>
    private static IEnumerable<(string Link, string Query)> Links(string query, RowSample? sample)
    {
        yield return ("all", query);
        if (sample?.Percentile("p99") is { LowMs: { } p99 })
            yield return ("slowest", $"{query} | {{ duration >= {Below(p99)}us }}");
        if (sample?.Percentile("p50") is { LowMs: { } low, HighMs: { } high })
            yield return ("typical", $"{query} | {{ duration >= {Below(low)}us && duration <= {Above(high)}us }}");
    }

    private const double BucketShare = 1.0 / 128;

    private static long Below(double ms) => Math.Max(0, (long)Math.Floor(ms * 1000 * (1 - BucketShare)) - 1);

    private static long Above(double ms) => (long)Math.Ceiling(ms * 1000 * (1 + BucketShare)) + 1;

    private async Task<(double Wall, double Cpu, string Note)> TimeAsync(string query, TimeRange range)
    {
        double wall = double.MaxValue, cpu = double.MaxValue;
        var note = "";
        for (var run = 0; run < runs; run++)
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var result = await new TraceQlSearch(store, NoTimeout).SearchAsync(new TraceQlSearchRequest(Parser.Parse(query), range, 20), CancellationToken.None);
            wall = Math.Min(wall, watch.Elapsed.TotalMilliseconds);
            cpu = Math.Min(cpu, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds);
            note = $"{result.Traces.Count} traces, {result.Cost.InspectedTraces:N0} inspected{(result.Incomplete is { } cut ? $", cut: {cut.Limit}" : "")}";
        }
        return (wall, cpu, note);
    }
}
