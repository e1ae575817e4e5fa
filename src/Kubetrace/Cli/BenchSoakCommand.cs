using System.CommandLine;
using Kubetrace.Bench.Soak;

namespace Kubetrace.Cli;

/// <summary>
/// <c>kubetrace bench soak</c>: floods a receiver through real otlp exporters for a while (a closed loop with retries,
/// or with --rate an open loop offering a fixed rate, refusals counted and not retried), printing the server's RSS
/// and the offered, acknowledged and refused counts every second, then acknowledged against stored spans.
/// </summary>
internal static class BenchSoakCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string>("--endpoint") { Description = "The receiver's OTLP/gRPC host:port", DefaultValueFactory = _ => "127.0.0.1:4317" };
        var exporters = BenchCommand.IntOption("--exporters", "OTLP exporters (each its own connection, default retry_on_failure, no queue)", 16);
        var concurrency = BenchCommand.IntOption("--concurrency", "Batches in flight per exporter", 4);
        var spans = BenchCommand.IntOption("--spans-per-request", "Spans per batch", 2000);
        var duration = BenchCommand.DurationOption("--duration", "How long to flood", "10m");
        var rate = BenchCommand.IntOption("--rate", "Spans per second offered in all, open loop: batches start at this pace whatever the answers, a refused one is counted and not retried (0: a closed loop as fast as the server acknowledges, retrying refusals)", 0);
        var serverPid = new Option<int?>("--server-pid") { Description = "The server process whose RSS is sampled every second" };
        var query = new Option<string?>("--query-url") { Description = "The server's query API (stored spans from /api/v1/stats at the end)" };
        var metricsUrl = new Option<string?>("--metrics-url") { Description = "The server's Prometheus metrics URL (refusals every second)" };
        var command = new Command("soak", "Flood an OTLP/gRPC receiver through real exporters; print RSS and acknowledged/refused counts per second, " +
            "then acknowledged vs stored spans")
        {
            endpoint, exporters, concurrency, spans, duration, rate, serverPid, query, metricsUrl,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SoakOptions
            {
                Endpoint = parse.GetValue(endpoint)!,
                Exporters = parse.GetValue(exporters),
                Concurrency = parse.GetValue(concurrency),
                SpansPerRequest = parse.GetValue(spans),
                Duration = parse.GetValue(duration),
                Rate = parse.GetValue(rate),
                ServerPid = parse.GetValue(serverPid),
                QueryUrl = parse.GetValue(query) is { } q ? new Uri(q) : null,
                MetricsUrl = parse.GetValue(metricsUrl) is { } m ? new Uri(m) : null,
            };
            var problems = options.Validate().ToList();
            if (problems.Count > 0)
            {
                Console.Error.WriteLine($"kubetrace bench soak: {string.Join(Environment.NewLine, problems)}");
                return ExitCodes.Usage;
            }
            var result = await new SoakRun(options, Console.Out).RunAsync(cancellationToken);
            var rss = result.Samples.Select(s => s.RssMib).Where(r => r > 0).DefaultIfEmpty().ToList();
            Console.WriteLine($"acknowledged: {result.AckedRequests} requests, {result.AckedSpans} spans " +
                $"({result.AckedSpans / Math.Max(1, options.Duration.TotalSeconds):F0} spans/s); given up by the exporters: {result.LostSpans} spans");
            if (options.Rate > 0)
                Console.WriteLine($"offered: {result.OfferedSpans} spans ({result.OfferedSpans / Math.Max(1, options.Duration.TotalSeconds):F0} spans/s, asked {options.Rate}); " +
                    $"refused (not retried): {result.RefusedSpans} spans; not offered (every batch in flight): {result.NotOfferedSpans} spans");
            Console.WriteLine($"server RSS: max {rss.Max()} MiB, last {rss[^1]} MiB");
            if (result.StoredSpans is { } stored)
                Console.WriteLine($"stored: {stored} spans ({(stored >= result.AckedSpans ? "every acknowledged span stored" : $"{result.AckedSpans - stored} acknowledged spans missing")})");
            return result.LostSpans == 0 && (result.StoredSpans is null || result.StoredSpans >= result.AckedSpans) ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
