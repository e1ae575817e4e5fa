using System.CommandLine;
using Kubetrace.Storage.Benchmark;
using Kubetrace.Storage.ClickHouse;

namespace Kubetrace.Cli;

/// <summary><c>kubetrace bench clickhouse</c>: measures the ClickHouse store against a running server or cluster (docs/benchmarks.md).</summary>
public static class BenchClickHouseCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string>("--endpoint") { Description = "ClickHouse's HTTP interface (written and read through it)", DefaultValueFactory = _ => "http://127.0.0.1:8123" };
        var database = new Option<string>("--database") { Description = "Database to use: dropped and created again", DefaultValueFactory = _ => "kubetrace_bench" };
        var cluster = new Option<string>("--cluster") { Description = "Cluster of the servers' remote_servers (then --shard-endpoints)", DefaultValueFactory = _ => "" };
        var shards = new Option<string[]>("--shard-endpoints") { Description = "Each shard's HTTP interface", AllowMultipleArgumentsPerToken = true };
        var spans = new Option<long>("--spans") { Description = "Spans to ingest", DefaultValueFactory = _ => 1_000_000 };
        var dir = new Option<string>("--dir") { Description = "Work folder (input file)", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "kubetrace-bench", "clickhouse") };
        var clients = new Option<int>("--clients") { Description = "Concurrent inserters", DefaultValueFactory = _ => 4 };
        var batch = new Option<int>("--batch-spans") { Description = "Spans per INSERT", DefaultValueFactory = _ => 10_000 };
        var queries = new Option<int>("--queries") { Description = "Trace-by-ID lookups to time", DefaultValueFactory = _ => 200 };
        var runs = new Option<int>("--runs") { Description = "Runs of each analysis (the best is reported)", DefaultValueFactory = _ => 3 };
        var serverPids = new Option<int[]>("--server-pid")
        {
            Description = "PID of each ClickHouse server on this machine: its CPU per span is measured beside Kubetrace's",
            AllowMultipleArgumentsPerToken = true,
        };
        var ingestOnly = new Option<bool>("--ingest-only") { Description = "Stop after the ingest and bytes per span (profiling the insert path)" };
        var skipScan = new Option<bool>("--skip-scan") { Description = "Time the analyses with the rollups only, not also by scanning every span (minutes each at 10M spans)" };
        var progress = new BenchProgressOptions();
        var command = new Command("clickhouse", "Benchmark the ClickHouse store (ingest, bytes/span, trace by ID, search, rollups, analyses)")
        {
            endpoint, database, cluster, shards, spans, dir, clients, batch, queries, runs, serverPids, ingestOnly, skipScan,
        };
        progress.AddTo(command);
        command.SetAction(result =>
        {
            var options = new ClickHouseOptions
            {
                Endpoint = new Uri(result.GetValue(endpoint)!), Database = ClickHouseSchema.Identifier(result.GetValue(database)!),
                Cluster = result.GetValue(cluster)!, ShardEndpoints = (result.GetValue(shards) ?? []).Select(s => new Uri(s)).ToList(),
                Retention = TimeSpan.Zero,
            };
            return new ClickHouseBenchmark(options, result.GetValue(spans), result.GetValue(dir)!, result.GetValue(clients), result.GetValue(batch),
                result.GetValue(queries), Math.Max(1, result.GetValue(runs)), result.InvocationConfiguration.Output, progress.For(result),
                result.GetValue(serverPids) ?? [], result.GetValue(ingestOnly), result.GetValue(skipScan)).RunAsync();
        });
        return command;
    }
}
