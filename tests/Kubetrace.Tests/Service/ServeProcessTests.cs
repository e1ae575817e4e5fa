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
        await using var server = await KubetraceProcess.ServeAsync(folder.File("config.yaml"), 1, ports => new TestServiceConfig(ports[0])
            .Processor("batch", "timeout: 1h")
            .Exporter("file", $"path: {output}")
            .MetricsOff().Yaml);

        using var http = new HttpClient();
        const string span = """{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /api/v1/pods","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000500000000"}]}]}]}""";
        using var response = await http.PostAsync($"http://127.0.0.1:{server.Ports[0]}/v1/traces", new StringContent(span, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(File.Exists(output) && File.ReadAllText(output).Contains("5b8efff798038103d269b633813fc60c"),
            "the batch processor (timeout 1h) should still hold the span");

        await server.StopCleanlyAsync();

        Assert.Contains("5b8efff798038103d269b633813fc60c", await File.ReadAllTextAsync(output));
        Assert.Contains("Shutdown complete", server.Stderr);
    }
}
