using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Kubetrace.Tests.Api;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>A real query server holding <see cref="ObjectTraces"/> and a start-up cluster, sent as OTLP/HTTP protobuf.</summary>
public sealed class AnalysesServer : IAsyncLifetime
{
    public QueryServer Server { get; private set; } = null!;

    public string Url => Server.QueryUrl;

    public async Task InitializeAsync()
    {
        Server = await QueryServer.StartAsync();
        await PostAsync(Server, ObjectTraces.Build().Request());
        await PostAsync(Server, ListTraces.Build().Request());
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Posts an export request as OTLP/HTTP protobuf and asserts it was accepted.</summary>
    public static async Task PostAsync(QueryServer server, Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest request)
    {
        using var http = new HttpClient();
        using var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await http.PostAsync(server.OtlpTracesUrl, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>GETs a native API path; asserts the status and returns the JSON body.</summary>
    public async Task<JsonNode> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Server.Query.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }
}
