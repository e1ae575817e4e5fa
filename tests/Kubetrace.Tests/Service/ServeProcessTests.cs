using System.Net;
using System.Text;

namespace Kubetrace.Tests.Service;

/// <summary>
/// <c>kubetrace serve</c> as a real process: SIGTERM drains what the batch processor still holds into the exporter
/// before the process exits 0.
/// </summary>
public class ServeProcessTests
{
    [SkippableFact]
    public async Task Sigterm_flushes_held_spans_to_the_exporter_and_exits_0()
    {
        Requires.Present(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? null : "SIGTERM is a POSIX signal", "CI runs on Linux.");
        using var folder = new TempDirectory();
        var output = folder.File("spans.jsonl");
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
                processors:
                  batch:
                    timeout: 1h
                exporters:
                  file:
                    path: {output}
                service:
                  telemetry:
                    metrics:
                      level: none
                  pipelines:
                    traces:
                      receivers: [otlp]
                      processors: [batch]
                      exporters: [file]
                """);
            return await KubetraceProcess.StartAsync(config, [("127.0.0.1", httpPort)]);
        });

        using var http = new HttpClient();
        const string span = """{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /api/v1/pods","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000500000000"}]}]}]}""";
        using var response = await http.PostAsync($"http://127.0.0.1:{httpPort}/v1/traces", new StringContent(span, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(File.Exists(output) && File.ReadAllText(output).Contains("5b8efff798038103d269b633813fc60c"),
            "the batch processor (timeout 1h) should still hold the span");

        await server.StopCleanlyAsync();

        Assert.Contains("5b8efff798038103d269b633813fc60c", await File.ReadAllTextAsync(output));
        Assert.Contains("Shutdown complete", server.Stderr);
    }
}
