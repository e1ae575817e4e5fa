using System.Globalization;
using System.Text.RegularExpressions;
using Kubetrace.Bench;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Bench;

/// <summary>
/// The benchmark's own setup, for real: <c>kubetrace serve</c> with docs/bench/nop.yaml (on free ports) under a
/// short load from the generator. The server must accept every generated span (so the patched IDs and times are
/// valid OTLP) and count exactly what the generator sent.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class BenchAgainstServeTests
{
    [Fact]
    public async Task Kubetrace_serve_with_the_benchmark_config_accepts_and_exports_every_generated_span()
    {
        using var folder = new TempDirectory();
        var config = folder.File("nop.yaml");
        var documented = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "bench", "nop.yaml"));
        int[] ports = [];
        await using var server = await FreePorts.StartOnFreshAsync(3, async chosen =>
        {
            ports = chosen;
            await File.WriteAllTextAsync(config, documented
                .Replace("127.0.0.1:4317", $"127.0.0.1:{ports[0]}")
                .Replace("127.0.0.1:4318", $"127.0.0.1:{ports[1]}")
                .Replace("127.0.0.1:8888", $"127.0.0.1:{ports[2]}"));
            return await KubetraceProcess.StartAsync(config, [("127.0.0.1", ports[0]), ("127.0.0.1", ports[2])]);
        });

        var result = await new LoadGenerator(new BenchOptions
        {
            Endpoint = new Uri($"http://127.0.0.1:{ports[0]}"),
            Connections = 2,
            Concurrency = 1,
            SpansPerRequest = 200,
            DistinctRequests = 4,
            Warmup = TimeSpan.FromMilliseconds(300),
            Duration = TimeSpan.FromMilliseconds(1500),
        }).RunAsync("test", null, CancellationToken.None);

        Assert.True(result.Totals.Requests > 0, server.Describe());
        Assert.Equal(0, result.FailedRequests);
        Assert.Equal(0, result.RejectedSpans);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[2]}") };
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Equal(result.Totals.Spans, Metric(metrics, "otelcol_receiver_accepted_spans_total", "transport=\"grpc\""));
        Assert.Equal(0, Metric(metrics, "otelcol_receiver_refused_spans_total", "transport=\"grpc\""));
        // The batch processor hands its last partial batch on after its timeout (200 ms by default).
        await Wait.UntilAsync(async () => await ExportedAsync(http) >= result.Totals.Spans,
            $"the nop exporter counted all {result.Totals.Spans} spans as sent");
        Assert.Equal(result.Totals.Spans, await ExportedAsync(http));
    }

    private static async Task<long> ExportedAsync(HttpClient http) =>
        Metric(await http.GetStringAsync("/metrics"), "otelcol_exporter_sent_spans_total", "exporter=\"nop\"");

    /// <summary>The value of the series of <paramref name="name"/> whose labels contain <paramref name="label"/>; 0 when absent.</summary>
    private static long Metric(string text, string name, string label)
    {
        foreach (Match match in Series().Matches(text))
        {
            if (match.Groups["name"].Value == name && match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
                return (long)double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return 0;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex Series();
}
