using System.Globalization;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>What an exporter's sending queue holds, as the service's own metrics endpoint reports it.</summary>
internal static class ExporterQueueSize
{
    /// <summary>The first <c>otelcol_exporter_queue_size</c> sample (the queue's sizer: spans or requests).</summary>
    public static async Task<double> ReadAsync(Uri metricsUrl)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var text = await http.GetStringAsync(metricsUrl);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("otelcol_exporter_queue_size{", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"{metricsUrl} has no otelcol_exporter_queue_size sample:\n{text}");
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
