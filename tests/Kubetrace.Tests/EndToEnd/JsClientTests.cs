using Kubetrace.Tests.EndToEnd.Harness;
using StatusCode = Kubetrace.Otlp.Proto.Trace.Status.Types.StatusCode;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// The OpenTelemetry JS exporters (npm packages pinned in tests/clients/js/package-lock.json), unmodified, against a
/// real kubetrace process: gRPC, HTTP/protobuf and HTTP/JSON, each plain and gzip-compressed.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class JsClientTests
{
    [RequiresNodeClientsTheory]
    [InlineData("grpc", "none")]
    [InlineData("grpc", "gzip")]
    [InlineData("proto", "none")]
    [InlineData("proto", "gzip")]
    [InlineData("http", "none")]
    [InlineData("http", "gzip")]
    public async Task Nested_spans_from_the_js_exporters_come_out_of_the_file_exporter_exactly_as_sent(
        string protocol, string compression)
    {
        await using var server = await OtlpToFileServer.StartAsync();

        var sent = await NodeClient.SendNestedTraceAsync(protocol, compression,
            protocol == "grpc" ? server.GrpcEndpoint : server.HttpEndpoint);
        var output = await server.StopAndReadOutputAsync();

        // The script's trace: a server span continuing a remote trace, with client (error + events), internal (link)
        // and producer descendants. Checked here so that "equal" below cannot be vacuous.
        Assert.Equal(4, sent.Spans.Count);
        Assert.Contains(sent.Spans, s => s.Events.Count == 2 && s.Status.Code == StatusCode.Error);
        Assert.Contains(sent.Spans, s => s.Links.Count == 1);
        OtlpAssert.OutputMatches(sent, output);
    }
}
