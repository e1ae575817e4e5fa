using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Kubetrace.Tests.EndToEnd.Harness;
using static Kubetrace.Tests.Storage.Spans;

namespace Kubetrace.Tests.Api;

/// <summary>
/// Durability as an operator sees it: a real <c>kubetrace serve</c> (OTLP → kubetrace store, query API) is killed
/// with SIGKILL while clients are sending, started again on the same data folder, and every trace whose Export
/// was acknowledged is served by the query API — no manual recovery step.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task Every_acknowledged_trace_survives_a_SIGKILL_mid_stream_and_a_restart()
    {
        using var folder = new TempDirectory();
        var ports = FreePorts.Take(3);
        var config = folder.File("config.yaml");
        await File.WriteAllTextAsync(config, $"""
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:{ports[0]}
            exporters:
              kubetrace:
                path: {folder.File("data")}
            extensions:
              kubetrace_query:
                endpoint: 127.0.0.1:{ports[1]}
                tempo_endpoint: 127.0.0.1:{ports[2]}
            service:
              extensions: [kubetrace_query]
              pipelines:
                traces:
                  receivers: [otlp]
                  exporters: [kubetrace]
              telemetry:
                metrics:
                  level: none

            """);
        var endpoints = new[] { ("127.0.0.1", ports[0]), ("127.0.0.1", ports[1]) };
        var acknowledged = new ConcurrentBag<int>();

        var server = await KubetraceProcess.StartAsync(config, endpoints);
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 4).Select(sender => SendUntilStoppedAsync(ports[0], sender, acknowledged, stop.Token)).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (acknowledged.Count < 200)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {acknowledged.Count} exports acknowledged in 60 s\n{server.Describe()}");
            await Task.Delay(20);
        }
        await server.DisposeAsync(); // the harness ends a running server with SIGKILL: no shutdown, no flush
        stop.Cancel();
        await Task.WhenAll(senders);

        await using var restarted = await KubetraceProcess.StartAsync(config, endpoints);
        using var query = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[1]}") };
        var missing = new List<int>();
        foreach (var trace in acknowledged)
        {
            using var response = await query.GetAsync($"/api/v1/traces/{trace:x32}");
            if (response.StatusCode != HttpStatusCode.OK) missing.Add(trace);
        }
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged traces are missing after the restart, e.g. {string.Join(", ", missing.Take(5))}\n{restarted.Describe()}");
        await restarted.StopCleanlyAsync();
    }

    /// <summary>Sends one two-span trace per request (trace IDs distinct per sender) and records what was acknowledged.</summary>
    private static async Task SendUntilStoppedAsync(int port, int sender, ConcurrentBag<int> acknowledged, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        for (var i = 1; !stop.IsCancellationRequested; i++)
        {
            var trace = sender * 1_000_000 + i;
            var request = Request(Resource("apiserver", Span(trace, 1, 0, "GET /api/v1/pods"), Span(trace, 2, 1, "etcd get")));
            using var content = new ByteArrayContent(request.ToByteArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            try
            {
                using var response = await http.PostAsync($"http://127.0.0.1:{port}/v1/traces", content, stop);
                if (response.StatusCode == HttpStatusCode.OK) acknowledged.Add(trace);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // The server was killed: what was not acknowledged may be lost; the client would retry.
                await Task.Delay(10, CancellationToken.None);
            }
        }
    }
}
