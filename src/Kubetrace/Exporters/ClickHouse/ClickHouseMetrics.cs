using Kubetrace.Storage;
using Kubetrace.Telemetry;

namespace Kubetrace.Exporters.ClickHouse;

/// <summary>
/// The ClickHouse store's figures on the metrics endpoint: this instance's inserts (spans, latency, in flight)
/// and, per server (each shard in a cluster), span rows, bytes on disk, parts, merges and delayed inserts. Read
/// from the store's statistics, which ask the servers at most every few seconds.
/// </summary>
internal static class ClickHouseMetrics
{
    public static void Register(MetricsRegistry registry, (string Key, string Value) exporter, IReadOnlyList<Uri> servers, Func<StoreStats?> stats)
    {
        BackendStats? Backend() => stats()?.Backend;
        registry.Gauge("kubetrace_clickhouse_inserted_spans", "Spans this instance has inserted into ClickHouse since it started.",
            () => Backend()?.InsertedSpans ?? 0, exporter);
        registry.Gauge("kubetrace_clickhouse_insert_mean_seconds", "Mean time of an INSERT into ClickHouse.",
            () => Backend()?.MeanInsertLatency.TotalSeconds ?? 0, exporter);
        registry.Gauge("kubetrace_clickhouse_insert_max_seconds", "Longest INSERT into ClickHouse since the start.",
            () => Backend()?.MaxInsertLatency.TotalSeconds ?? 0, exporter);
        registry.Gauge("kubetrace_clickhouse_inserts_in_flight", "INSERTs sent to ClickHouse and not answered yet.",
            () => Backend()?.InsertsInFlight ?? 0, exporter);
        foreach (var server in servers.Select(s => s.ToString()))
        {
            ServerStats? Of() => Backend()?.Servers.FirstOrDefault(s => s.Endpoint == server);
            var labels = new[] { exporter, ("server", server) };
            registry.Gauge("kubetrace_clickhouse_span_rows", "Span rows stored on the server.", () => Of()?.SpanRows ?? 0, labels);
            registry.Gauge("kubetrace_clickhouse_bytes_on_disk", "Bytes of Kubetrace's tables on the server.", () => Of()?.BytesOnDisk ?? 0, labels);
            registry.Gauge("kubetrace_clickhouse_parts", "Active data parts of Kubetrace's tables on the server.", () => Of()?.Parts ?? 0, labels);
            registry.Gauge("kubetrace_clickhouse_merges", "Merges running on Kubetrace's tables on the server.", () => Of()?.Merges ?? 0, labels);
            registry.Gauge("kubetrace_clickhouse_delayed_inserts", "Inserts the server holds back for too many parts.",
                () => Of()?.DelayedInserts ?? 0, labels);
        }
    }
}
