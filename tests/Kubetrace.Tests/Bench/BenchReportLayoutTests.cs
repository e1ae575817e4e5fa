using Kubetrace.Bench;
using Kubetrace.Bench.Measurement;
using Kubetrace.Bench.Report;
using Kubetrace.Tests.Cli.Layout;

namespace Kubetrace.Tests.Bench;

/// <summary>
/// <c>kubetrace bench</c>'s report read on a terminal: every measure on one line at 80 columns and up, none wrapped onto
/// a second line, and the command line (to paste into a report) one line however long: a terminal folds it, a
/// line break would cut the command in two when pasted.
/// </summary>
public sealed class BenchReportLayoutTests
{
    public static TheoryData<int> Widths => new(80, 100, 120, 200);

    [Theory]
    [MemberData(nameof(Widths))]
    public void Every_measure_is_one_line_within_the_width(int width)
    {
        var lines = FittedTableTests.RenderWith(console => BenchReport.WriteTable(Result(), console), width);

        Assert.All(lines[..^1], l => Assert.True(l.Length <= width, $"a line of {l.Length} at {width}: {l}"));
        foreach (var measure in new[] { "endpoint", "request size", "accepted spans/s", "latency p50 / p99 / max", "server CPU", "machine CPU busy", "whole run" })
            Assert.Single(lines, l => l.TrimStart('│', ' ').StartsWith(measure, StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("4 connections x 2 in flight", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("500 spans x 15 attributes", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("1.90 of 2 cores (0.34 by other processes)", StringComparison.Ordinal));
        Assert.Equal(CommandLine, lines[^1]);
    }

    private const string CommandLine = "kubetrace bench --endpoint http://127.0.0.1:4317 --duration 60s --warmup 10s --rate 100000 --connections 4 --server-pid 4242";

    private static BenchResult Result() => new()
    {
        CommandLine = CommandLine, Endpoint = "http://127.0.0.1:4317/", Protocol = "grpc", Connections = 4, Concurrency = 2,
        SpansPerRequest = 500, AttributesPerSpan = 15, Gzip = false, TargetSpansPerSecond = 100_000, AverageRequestBytes = 312_422,
        MeasuredSeconds = 60, Requests = 12_000, RequestsPerSecond = 200, AcceptedSpans = 6_000_000, AcceptedSpansPerSecond = 100_000,
        RejectedSpans = 0, FailedRequests = 0, Errors = new Dictionary<string, long>(), ErrorExamples = new Dictionary<string, string>(),
        MebibytesPerSecond = 59.6, LatencyP50Ms = 135.17, LatencyP99Ms = 516.1, LatencyMaxMs = 516.7,
        Resources = new ResourceUsage(0.35, 75, 1.21, 412, 430, 1.9, 2, "22.03 29.73 24.94"),
        Totals = new RunTotals(14_400, 14_400, 7_200_000, 4_499_000_000),
    };
}
