using System.CommandLine;
using Kubetrace.Storage.Benchmark;

namespace Kubetrace.Cli;

/// <summary><c>kubetrace bench store</c>: measures the embedded store in-process (see docs/storage.md).</summary>
public static class BenchStoreCommand
{
    public static Command Create()
    {
        var spans = new Option<long>("--spans") { Description = "Spans to ingest", DefaultValueFactory = _ => 1_000_000 };
        var dir = new Option<string>("--dir") { Description = "Work folder (input file and store)", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "kubetrace-bench", "store") };
        var clients = new Option<int>("--clients") { Description = "Concurrent appenders", DefaultValueFactory = _ => 8 };
        var batch = new Option<int>("--batch-spans") { Description = "Spans per appended batch", DefaultValueFactory = _ => 1000 };
        var queries = new Option<int>("--queries") { Description = "Trace-by-ID lookups to time", DefaultValueFactory = _ => 1000 };
        var profile = new Option<bool>("--profile") { Description = "Also measure the CPU cost of each ingest step (parse, head append, checksum, codecs)" };
        var walCompression = new Option<bool>("--wal-compression") { Description = "Compress WAL records", DefaultValueFactory = _ => true };
        var rowGroup = new Option<int>("--row-group-spans") { Description = "Spans per block row group", DefaultValueFactory = _ => 1024 };
        var skipScan = new Option<bool>("--skip-scan") { Description = "Skip the unindexed-attribute scan query" };
        var preallocate = new Option<bool>("--preallocate-head") { Description = "Allocate head columns for 500k spans up front" };
        var encryption = new Option<string>("--encryption")
        {
            Description = "Encryption at rest: off, on (a random AES-256 key), or both (off, then on, in one run: the cost side by side)",
            DefaultValueFactory = _ => "off",
        };
        encryption.AcceptOnlyFromAmong("off", "on", "both");
        var maxBytesPerTrace = new Option<long>("--max-bytes-per-trace")
        {
            Description = "The store's max_bytes_per_trace (bytes; 0: off, the store's own default; the kubetrace exporter's is 5000000): what counting every trace's bytes costs",
            DefaultValueFactory = _ => 0,
        };
        var indexCache = new Option<long>("--index-cache")
        {
            Description = "The store's index cache (bytes of block footers held for queries; the kubetrace exporter's index_cache_size): what reading indexes again costs when they do not fit",
            DefaultValueFactory = _ => Storage.Blocks.FooterCache.DefaultBytes,
        };
        var progress = new BenchProgressOptions();
        var command = new Command("store", "Benchmark the embedded trace store (ingest, bytes/span, trace by ID, search)")
        {
            spans, dir, clients, batch, queries, profile, walCompression, rowGroup, skipScan, preallocate, encryption, maxBytesPerTrace,
            indexCache,
        };
        progress.AddTo(command);
        command.SetAction(async result =>
        {
            var mode = result.GetValue(encryption)!;
            foreach (var encrypted in mode == "both" ? new[] { false, true } : [mode == "on"])
            {
                if (mode == "both") result.InvocationConfiguration.Output.WriteLine($"== encryption at rest {(encrypted ? "on" : "off")} ==");
                var code = await new StoreBenchmark(result.GetValue(spans), result.GetValue(dir)!, result.GetValue(clients),
                    result.GetValue(batch), result.GetValue(queries), result.GetValue(profile), result.GetValue(walCompression), result.GetValue(rowGroup),
                    result.GetValue(skipScan), result.GetValue(preallocate), result.InvocationConfiguration.Output, encrypted ? StoreBenchmark.BenchmarkKeys() : null,
                    progress.For(result)) { MaxBytesPerTrace = result.GetValue(maxBytesPerTrace), IndexCacheBytes = result.GetValue(indexCache) }.RunAsync();
                if (code != 0) return code;
            }
            return 0;
        });
        return command;
    }
}
