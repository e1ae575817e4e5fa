namespace Kubetrace.Tests.Service;

/// <summary>What <c>kubetrace serve</c> tells the operator at start, in the words of its own config.</summary>
public class ServeLogTests
{
    [SkippableFact]
    public async Task The_store_line_gives_the_retention_in_the_duration_grammar_of_the_config()
    {
        using var folder = new TempDirectory();
        await using var server = await KubetraceProcess.ServeAsync(folder.File("config.yaml"), 1, ports => new TestServiceConfig(ports[0])
            .Exporter("kubetrace", $"path: {folder.File("store")}\nretention: 72h")
            .MetricsOff().Yaml);

        Assert.True(await server.WaitForLogAsync("Trace store in", TimeSpan.FromMinutes(1)), server.Describe());
        var line = server.Stderr.ReplaceLineEndings("\n").Split('\n').First(l => l.Contains("Trace store in", StringComparison.Ordinal));
        // 72h reads as the operator would write it (3d), never as .NET's 3.00:00:00.
        Assert.Contains("(retention 3d,", line, StringComparison.Ordinal);
        Assert.DoesNotContain(".00:00:00", line, StringComparison.Ordinal);
        await server.StopCleanlyAsync();
    }

    [SkippableFact]
    public async Task Start_up_and_shutdown_times_read_as_every_duration_reads()
    {
        using var folder = new TempDirectory();
        await using var server = await KubetraceProcess.ServeAsync(folder.File("config.yaml"), 1, ports => new TestServiceConfig(ports[0])
            .Exporter("kubetrace", $"path: {folder.File("store")}")
            .MetricsOff().Yaml);

        await server.StopCleanlyAsync();

        var log = server.Stderr.ReplaceLineEndings("\n");
        // 8.22s and 25s, as the CLI and the config write durations; not "8218 ms" or "25 s".
        Assert.Matches(@"Everything is ready\. Begin running and processing data \(started in \d+(\.\d+)?(µs|ms|s)\)\n", log);
        Assert.Matches(@"Shutting down \(timeout \d+s\)\n", log);
    }
}
