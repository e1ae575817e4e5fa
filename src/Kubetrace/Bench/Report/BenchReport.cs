using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kubetrace.Cli.Layout;
using Spectre.Console;

namespace Kubetrace.Bench.Report;

/// <summary>Prints a run's result: a table for people, or JSON for scripts (<c>--json</c>).</summary>
internal static class BenchReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string ToJson(BenchResult result) => JsonSerializer.Serialize(result, Json);

    /// <summary>
    /// One measure a line, laid out as every CLI table is (<see cref="FittedTable"/>): within the console's width down
    /// to 80 columns, a long value (an endpoint, an error's example) cut in the middle, never wrapped onto a second line.
    /// </summary>
    public static void WriteTable(BenchResult result, IAnsiConsole console)
    {
        var table = new FittedTable([new FittedColumn("measure", FittedKind.Name), new FittedColumn("value", FittedKind.Name, RightAligned: true)]) { HeaderRule = true };
        void Row(string name, string value) => table.AddRow(name, value);

        Row("endpoint", $"{result.Endpoint} ({result.Protocol}{(result.Gzip ? ", gzip" : "")})");
        Row("load", $"{result.Connections} connections x {result.Concurrency} in flight");
        Row("request", $"{result.SpansPerRequest} spans x {result.AttributesPerSpan} attributes");
        Row("request size", $"{result.AverageRequestBytes / 1024.0:N1} KiB (uncompressed)");
        if (result.TargetSpansPerSecond is { } target) Row("target rate", $"{target:N0} spans/s");
        Row("measured", $"{result.MeasuredSeconds:N1} s");
        Row("accepted spans/s", $"{result.AcceptedSpansPerSecond:N0}");
        Row("requests/s", $"{result.RequestsPerSecond:N1}");
        Row("throughput", $"{result.MebibytesPerSecond:N1} MiB/s");
        Row("latency p50 / p99 / max", $"{result.LatencyP50Ms:N2} / {result.LatencyP99Ms:N2} / {result.LatencyMaxMs:N2} ms");
        Row("rejected spans (partial success)", $"{result.RejectedSpans:N0}");
        Row("failed requests", $"{result.FailedRequests:N0}");
        foreach (var (error, count) in result.Errors.OrderByDescending(e => e.Value))
        {
            Row($"  {error}", $"{count:N0}");
            if (result.ErrorExamples.TryGetValue(error, out var example))
                Row("", example.Length > 200 ? example[..200] + "..." : example);
        }
        if (result.Resources is { } usage)
        {
            Row("generator CPU", $"{usage.GeneratorCpuCores:N2} cores, peak RSS {usage.GeneratorPeakRssMib:N0} MiB");
            if (usage.ServerCpuCores is { } serverCpu)
                Row("server CPU", $"{serverCpu:N2} cores = {result.SpansPerServerCoreSecond:N0} spans/s per core");
            if (usage.ServerPeakRssMib is { } serverRss)
                Row("server peak RSS", $"{serverRss:N0} MiB in the window ({usage.ServerLifetimePeakRssMib?.ToString("N0", CultureInfo.InvariantCulture) ?? "?"} MiB VmHWM)");
            Row("machine CPU busy", $"{usage.MachineBusyCores:N2} of {usage.MachineCores} cores ({usage.OtherBusyCores:N2} by other processes)");
            Row("load average at start", usage.LoadAverageAtStart);
        }
        Row("whole run", $"{result.Totals.Requests:N0} requests, {result.Totals.Spans:N0} spans, {result.Totals.Bytes / 1048576.0:N1} MiB");

        table.Write(console);
        // The command to paste into a report: one line whatever the width (a terminal folds it; a break would cut it).
        console.Profile.Out.Writer.WriteLine(result.CommandLine);
        console.Profile.Out.Writer.Flush();
    }
}
