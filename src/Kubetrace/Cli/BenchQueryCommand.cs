using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Kubetrace.Cli.Query;

namespace Kubetrace.Cli;

/// <summary>
/// <c>kubetrace bench query</c>: trace-by-ID and search latency of a running server over its query port, through the
/// same connection settings as the query commands (TLS with <c>--ca-file</c>, a bearer token), so that the cost of
/// TLS and authentication on reads is measured where users pay it (docs/bench/trust/run.sh sets one beside the other).
/// </summary>
public static class BenchQueryCommand
{
    public static Command Create()
    {
        var connection = QueryOptions.Connection();
        var requests = BenchCommand.IntOption("--requests", "Requests of each kind (trace by ID, search)", 200);
        var lookback = CliDuration.Option("--lookback", "Search range back from now", "1h");
        var command = new Command("query", "Measure trace-by-ID and search latency (p50, p99) of a running kubetrace over its query port")
        {
            requests, lookback,
        };
        command.Add(connection);
        var width = QueryOptions.Width();
        QueryAction.Set(command, connection, width, async (parse, context, cancel) =>
        {
            var count = Math.Max(1, parse.GetValue(requests));
            var range = Uri.EscapeDataString(parse.GetValue(lookback).Text);
            // What to ask for: the stored traces' IDs and services, from one wide search.
            var found = await context.Api.GetJsonAsync($"api/v1/search?lookback={range}&limit=1000", cancel);
            var traces = found.GetProperty("traces").EnumerateArray().ToList();
            if (traces.Count == 0) throw new QueryFailure("bench query: the server holds no trace in the lookback; ingest first");
            var ids = traces.Select(t => t.GetProperty("traceId").GetString()!).ToList();
            var services = traces.Select(t => t.TryGetProperty("rootService", out var s) ? s.GetString() : null).OfType<string>().Distinct().ToList();
            if (services.Count == 0) services.Add("");

            var byId = await TimeAsync(count, i => context.Api.GetBytesAsync($"api/v1/traces/{ids[i % ids.Count]}", cancel));
            var search = await TimeAsync(count, i => context.Api.GetBytesAsync(
                $"api/v1/search?lookback={range}&limit=20&service={Uri.EscapeDataString(services[i % services.Count])}", cancel));
            context.Output.WriteLine($"trace by ID ({ids.Count} stored IDs, {count} requests): {Summary(byId)}");
            context.Output.WriteLine($"search, 20 most recent of a service ({services.Count} services, {count} requests): {Summary(search)}");
        });
        return command;
    }

    /// <summary>The first line of a token file, trimmed (as the query commands' <c>--token-file</c> reads it).</summary>
    public static string ReadToken(FileInfo file) => File.ReadAllText(file.FullName).Split('\n')[0].Trim();

    /// <summary>Each request's latency in milliseconds, one after the other (no overlap: latency, not throughput).</summary>
    private static async Task<List<double>> TimeAsync(int count, Func<int, Task> request)
    {
        var millis = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await request(i);
            millis.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return millis;
    }

    private static string Summary(List<double> millis)
    {
        millis.Sort();
        double At(double quantile) => millis[Math.Min(millis.Count - 1, (int)Math.Ceiling(quantile * millis.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.5):0.00} ms, p99 {At(0.99):0.00} ms, mean {millis.Average():0.00} ms");
    }
}
