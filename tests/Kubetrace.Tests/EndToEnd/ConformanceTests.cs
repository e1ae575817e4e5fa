using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Kubetrace.Tests.EndToEnd.Harness;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// Other projects' OTLP JSON (../shared/conformance), posted over OTLP/HTTP JSON to a running kubetrace, must
/// come out of the file exporter equal, compared as parsed objects.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ConformanceTests
{
    [RequiresSharedFolderFact]
    public async Task The_official_otlp_example_trace_json_comes_out_equal()
    {
        var json = await File.ReadAllBytesAsync(SharedFile("conformance/otlp/trace.json"));
        await using var server = await OtlpToFileServer.StartAsync();

        await PostJsonAsync(server.HttpTracesUrl, json);
        var output = await server.StopAndReadOutputAsync();

        Assert.Equal(OtlpJsonFile.Parse(System.Text.Encoding.UTF8.GetString(json)), output.Merged);
        // The example's own values, so that a codec that lost a field on both sides cannot pass.
        var exported = Assert.Single(output.Spans);
        Assert.Equal("5b8efff798038103d269b633813fc60c", OtlpValues.Hex(exported.Span.TraceId));
        Assert.Equal("eee19b7ec3c1b174", exported.SpanIdHex);
        Assert.Equal("eee19b7ec3c1b173", OtlpValues.Hex(exported.Span.ParentSpanId));
        Assert.Equal("I'm a server span", exported.Span.Name);
        Assert.Equal(SpanKind.Server, exported.Span.Kind);
        Assert.Equal(1544712660000000000UL, exported.Span.StartTimeUnixNano);
        Assert.Equal(1544712661000000000UL, exported.Span.EndTimeUnixNano);
        Assert.Equal(Spans.Attr("my.span.attr", "some value"), Assert.Single(exported.Span.Attributes));
        Assert.Equal(Spans.Attr("service.name", "my.service"), Assert.Single(exported.Resource.Attributes));
        Assert.Equal("my.library", exported.Scope.Name);
        Assert.Equal("1.0.0", exported.Scope.Version);
        Assert.Equal(Spans.Attr("my.scope.attribute", "some scope attribute"), Assert.Single(exported.Scope.Attributes));
    }

    [RequiresSharedFolderFact]
    public async Task Jaeger_storage_integration_otlp_json_fixtures_come_out_equal()
    {
        // (Tempo's traceql_engine fixture is not used here: its "BrokenSpan" has an all-zero span ID, which the
        // OTLP rules make invalid, so it is rightly rejected through partial success.)
        var files = Directory.GetFiles(SharedFile("conformance/jaeger/storage-integration/traces"), "*.json")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(files.Count > 10, $"expected the conformance fixtures, found {files.Count} files");
        await using var server = await OtlpToFileServer.StartAsync();

        var sent = new List<ExportedSpan>();
        foreach (var file in files)
        {
            var json = await File.ReadAllBytesAsync(file);
            await PostJsonAsync(server.HttpTracesUrl, json, Path.GetFileName(file));
            sent.AddRange(FileExporterOutput.Flatten(OtlpJsonFile.Parse(System.Text.Encoding.UTF8.GetString(json))));
        }
        var output = await server.StopAndReadOutputAsync();

        OtlpAssert.SameSpans(sent, output.Spans);
    }

    private static string SharedFile(string relative) => Path.Combine(RepoPaths.Shared!, relative);

    /// <summary>Posts as OTLP/HTTP JSON and asserts full acceptance: 200, a JSON answer, no rejected spans.</summary>
    private static async Task PostJsonAsync(Uri url, byte[] body, string what = "trace.json")
    {
        using var http = new HttpClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(url, content);
        var answer = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode} {answer}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var rejected = JsonNode.Parse(answer.Length == 0 ? "{}" : answer)?["partialSuccess"]?["rejectedSpans"];
        Assert.True(rejected is null || rejected.ToString() == "0", $"{what}: spans rejected: {answer}");
    }
}
