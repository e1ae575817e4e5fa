using System.Diagnostics;
using Kubetrace.Telemetry;

namespace Kubetrace.Service;

/// <summary>The Collector's process metrics, read when scraped (no background sampling).</summary>
public static class ProcessMetrics
{
    public static void Register(MetricsRegistry metrics)
    {
        var uptime = Stopwatch.StartNew();
        metrics.Gauge("otelcol_process_uptime", "Uptime of the process in seconds", () => uptime.Elapsed.TotalSeconds);
        metrics.Gauge("otelcol_process_memory_rss", "Total physical memory (resident set size) in bytes", () => Environment.WorkingSet);
        metrics.Gauge("otelcol_process_runtime_total_alloc_bytes", "Cumulative bytes allocated for heap objects",
            () => GC.GetTotalAllocatedBytes());
        metrics.Gauge("otelcol_process_runtime_heap_alloc_bytes", "Bytes of allocated heap objects", () => GC.GetTotalMemory(false));
        metrics.Gauge("otelcol_process_cpu_seconds", "Total CPU user and system time in seconds", () =>
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime.TotalSeconds;
        });
    }
}
