using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Kubetrace.Tests.Service;

/// <summary>
/// <c>kubetrace serve</c> as a real process: SIGTERM drains what the batch processor still holds into the exporter
/// before the process exits 0.
/// </summary>
public class ServeProcessTests
{
    [Fact]
    public async Task Sigterm_flushes_held_spans_to_the_exporter_and_exits_0()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // SIGTERM is a POSIX signal

        var directory = Directory.CreateTempSubdirectory("kubetrace-serve-");
        var output = Path.Combine(directory.FullName, "spans.jsonl");
        var httpPort = FreePort();
        var config = Path.Combine(directory.FullName, "config.yaml");
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
        using var process = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "kubetrace.dll"), "serve", "--config", config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var log = new StringBuilder();
        var ready = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log) log.AppendLine(e.Data);
            if (e.Data?.Contains("Everything is ready") == true) ready.TrySetResult();
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient();
            const string span = """{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /api/v1/pods","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000500000000"}]}]}]}""";
            using var response = await http.PostAsync($"http://127.0.0.1:{httpPort}/v1/traces", new StringContent(span, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            Assert.Equal(0, Kill(process.Id, Sigterm));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(0, process.ExitCode);
            Assert.Contains("5b8efff798038103d269b633813fc60c", await File.ReadAllTextAsync(output));
            lock (log) Assert.Contains("Shutdown complete", log.ToString());
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            directory.Delete(recursive: true);
        }
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
