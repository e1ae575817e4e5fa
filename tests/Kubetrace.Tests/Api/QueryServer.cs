using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Kubetrace.Config;
using Kubetrace.Service;
using Kubetrace.Tests.EndToEnd.Harness;
using Kubetrace.Tests.Service;

namespace Kubetrace.Tests.Api;

/// <summary>
/// A real service in-process: OTLP/HTTP receiver → kubetrace store exporter, and the kubetrace_query extension,
/// each on a free 127.0.0.1 port, over a private data folder. Data goes in through OTLP, as a client sends it.
/// </summary>
public sealed class QueryServer : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly KubetraceService _service;

    private QueryServer(KubetraceService service, int otlp, int query, int tempo, TempDirectory data)
    {
        _service = service;
        _data = data;
        OtlpTracesUrl = new Uri($"http://127.0.0.1:{otlp}/v1/traces");
        Query = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{query}") };
        Tempo = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{tempo}") };
    }

    public Uri OtlpTracesUrl { get; }

    /// <summary>The native and Jaeger API port.</summary>
    public HttpClient Query { get; }

    /// <summary>The Tempo API port.</summary>
    public HttpClient Tempo { get; }

    /// <param name="queryExtension">More keys of the <c>kubetrace_query</c> extension, as YAML lines indented by four.</param>
    public static async Task<QueryServer> StartAsync(string queryExtension = "")
    {
        var data = new TempDirectory();
        var ports = FreePorts.Take(3);
        var yaml = $"""
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:{ports[0]}
            exporters:
              kubetrace:
                path: {data.Path}
                retention: 0s
            extensions:
              kubetrace_query:
                storage: kubetrace
                endpoint: 127.0.0.1:{ports[1]}
                tempo_endpoint: 127.0.0.1:{ports[2]}
            {queryExtension}
            service:
              extensions: [kubetrace_query]
              pipelines:
                traces:
                  receivers: [otlp]
                  exporters: [kubetrace]

            """ + ServiceTestHost.Telemetry;
        var service = await ServiceTestHost.StartAsync(yaml, ComponentCatalog.Default);
        return new QueryServer(service, ports[0], ports[1], ports[2], data);
    }

    /// <summary>Posts OTLP JSON and asserts that every span was accepted (acknowledged means durable).</summary>
    public async Task PostOtlpJsonAsync(string json, string what)
    {
        using var http = new HttpClient();
        using var content = new StringContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(OtlpTracesUrl, content);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode} {answer}");
        var rejected = JsonNode.Parse(answer.Length == 0 ? "{}" : answer)?["partialSuccess"]?["rejectedSpans"];
        Assert.True(rejected is null || rejected.ToString() == "0", $"{what}: spans rejected: {answer}");
    }

    public async ValueTask DisposeAsync()
    {
        Query.Dispose();
        Tempo.Dispose();
        await _service.ShutdownAsync();
        _data.Dispose();
    }
}
