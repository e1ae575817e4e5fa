using System.CommandLine;
using System.Globalization;
using Kubetrace.Cli.Layout;

namespace Kubetrace.Cli.Query;

/// <summary><c>kubetrace stats</c>: what a running server stores and what it costs on disk.</summary>
public static class StatsCommand
{
    public static Command Create()
    {
        var server = QueryOptions.Connection();
        var output = QueryOptions.Output("the store statistics");
        var command = new Command("stats", "Show the stored spans, traces and bytes on disk of a running kubetrace") { server };
        QueryAction.Set(command, server, output, async (parse, context, cancel) =>
        {
            if (context.WantsData)
            {
                await context.WriteDataAsync(await context.Api.GetBytesAsync("api/v1/stats", cancel));
                return;
            }
            var stats = await context.Api.GetJsonAsync("api/v1/stats", cancel);
            long Get(string name) => stats.TryGetProperty(name, out var value) ? (long)value.GetDouble() : 0;
            var spans = Get("spans");
            var bytes = Get("bytesOnDisk");
            var table = new FittedTable([new FittedColumn("MEASURE"), new FittedColumn("VALUE", RightAligned: true)]) { ShowHeaders = false };
            table.AddRow("Spans", Count(spans));
            table.AddRow("Traces", Count(Get("traces")));
            table.AddRow("Bytes on disk", HumanText.Bytes(bytes));
            // Everything on disk (WAL and blocks) over everything stored: what a span really costs right now.
            table.AddRow("Bytes per span", spans > 0 ? (bytes / (double)spans).ToString("0.0", CultureInfo.InvariantCulture) : "-");
            table.AddRow("Bytes per span in blocks", stats.TryGetProperty("blockBytesPerSpan", out var perSpan) && Get("blockSpans") > 0
                ? perSpan.GetDouble().ToString("0.0", CultureInfo.InvariantCulture) : "-");
            table.AddRow("Blocks", Count(Get("blocks")));
            table.AddRow("Spans not yet in blocks", Count(Get("headSpans")));
            table.AddRow("WAL", HumanText.Bytes(Get("walBytes")));
            table.AddRow("Block rollups built / pending", $"{Count(Get("rollupsBuilt"))} / {Count(Get("rollupsPending"))}");
            table.AddRow("Rollup bytes", HumanText.Bytes(Get("rollupBytes")));
            if (Get("damagedRowGroups") is > 0 and var damaged)
                table.AddRow("Damaged row groups (quarantined)", Count(damaged));
            // A key rotation in progress: the old key is still needed until both are 0 (docs/security.md).
            if (Get("blocksUnderOlderKeys") is > 0 and var olderBlocks)
                table.AddRow("Blocks under older keys", Count(olderBlocks));
            if (Get("walSegmentsUnderOlderKeys") is > 0 and var olderSegments)
                table.AddRow("WAL segments under older keys", Count(olderSegments));
            if (stats.TryGetProperty("backend", out var backend)) AddBackend(table, backend);
            table.Write(context.Console);
        });
        return command;
    }

    /// <summary>A store in database servers (ClickHouse): this instance's inserts, then each server (shard) on a line.</summary>
    private static void AddBackend(FittedTable table, System.Text.Json.JsonElement backend)
    {
        long Get(System.Text.Json.JsonElement element, string name) => element.TryGetProperty(name, out var value) ? (long)value.GetDouble() : 0;
        string Millis(string name) => backend.TryGetProperty(name, out var value)
            ? (value.GetDouble() * 1000).ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "-";
        var name = backend.TryGetProperty("name", out var n) ? n.GetString() : "backend";
        table.AddRow($"Inserts into {name} (spans)", $"{Count(Get(backend, "inserts"))} ({Count(Get(backend, "insertedSpans"))})");
        table.AddRow("Insert latency mean / max", $"{Millis("meanInsertSeconds")} / {Millis("maxInsertSeconds")}");
        table.AddRow("Inserts in flight", Count(Get(backend, "insertsInFlight")));
        if (!backend.TryGetProperty("servers", out var servers)) return;
        foreach (var server in servers.EnumerateArray())
            table.AddRow($"  {server.GetProperty("endpoint").GetString()}",
                $"{Count(Get(server, "spanRows"))} spans, {HumanText.Bytes(Get(server, "bytesOnDisk"))}, {Count(Get(server, "parts"))} parts, " +
                $"{Count(Get(server, "merges"))} merges, {Count(Get(server, "delayedInserts"))} delayed inserts");
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
