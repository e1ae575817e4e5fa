namespace Kubetrace.Tests.Service;

/// <summary>What <c>kubetrace serve</c> tells the operator at start, in the words of its own config.</summary>
public class ServeLogTests
{
    [SkippableFact]
    public async Task The_store_line_gives_the_retention_in_the_duration_grammar_of_the_config()
    {
        using var folder = new TempDirectory();
        var config = folder.File("config.yaml");
        var httpPort = 0;
        await using var server = await FreePorts.StartOnFreshAsync(1, async ports =>
        {
            httpPort = ports[0];
            await File.WriteAllTextAsync(config, $"""
                receivers:
                  otlp:
                    protocols:
                      http:
                        endpoint: 127.0.0.1:{httpPort}
                exporters:
                  kubetrace:
                    path: {folder.File("store")}
                    retention: 72h
                service:
                  telemetry:
                    metrics:
                      level: none
                  pipelines:
                    traces:
                      receivers: [otlp]
                      exporters: [kubetrace]
                """);
            return await KubetraceProcess.StartAsync(config, [("127.0.0.1", httpPort)]);
        });

        Assert.True(await server.WaitForLogAsync("Trace store in", TimeSpan.FromMinutes(1)), server.Describe());
        var line = server.Stderr.ReplaceLineEndings("\n").Split('\n').First(l => l.Contains("Trace store in", StringComparison.Ordinal));
        // 72h reads as the operator would write it (3d), never as .NET's 3.00:00:00.
        Assert.Contains("(retention 3d,", line, StringComparison.Ordinal);
        Assert.DoesNotContain(".00:00:00", line, StringComparison.Ordinal);
        await server.StopCleanlyAsync();
    }
}
