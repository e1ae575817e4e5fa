using Kubetrace.Tests.EndToEnd.Harness;
using StatusCode = Kubetrace.Otlp.Proto.Trace.Status.Types.StatusCode;
using OpenTelemetry.Exporter;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>The OpenTelemetry .NET SDK's OTLP exporter, unmodified, against a real kubetrace process.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class DotnetSdkClientTests
{
    public static TheoryData<string> Protocols => ["grpc", "http/protobuf"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Nested_spans_from_the_dotnet_sdk_come_out_of_the_file_exporter_exactly_as_sent(string protocol)
    {
        await using var server = await OtlpToFileServer.StartAsync();

        var sent = protocol == "grpc"
            ? DotnetSdkClient.SendNestedTrace(OtlpExportProtocol.Grpc, server.GrpcEndpoint)
            : DotnetSdkClient.SendNestedTrace(OtlpExportProtocol.HttpProtobuf, server.HttpTracesUrl);
        var output = await server.StopAndReadOutputAsync();

        OtlpAssert.OutputMatches(sent, output);
    }

    [Fact]
    public async Task The_sent_trace_is_nested_server_client_internal_with_one_error()
    {
        // Guards the test above against a client change that would make "equal" trivially true.
        await using var server = await OtlpToFileServer.StartAsync();
        var sent = DotnetSdkClient.SendNestedTrace(OtlpExportProtocol.Grpc, server.GrpcEndpoint);
        var output = await server.StopAndReadOutputAsync();

        var byName = output.Spans.ToDictionary(s => s.Span.Name);
        var root = byName["GET /api/v1/namespaces/default/pods"].Span;
        var client = byName["etcd.Range"].Span;
        var decode = byName["decode"].Span;
        Assert.True(root.ParentSpanId.IsEmpty);
        Assert.Equal(root.SpanId, client.ParentSpanId);
        Assert.Equal(client.SpanId, decode.ParentSpanId);
        Assert.All(output.Spans, s => Assert.Equal(root.TraceId, s.Span.TraceId));
        Assert.Equal(StatusCode.Error, client.Status.Code);
        Assert.Equal("etcdserver: leader changed", client.Status.Message);
        Assert.Equal(1_795_600_800_123_456_700UL, root.StartTimeUnixNano); // 2026-11-25T10:00:00.1234567Z
        Assert.Equal(1_795_600_800_373_456_700UL, root.EndTimeUnixNano);
        Assert.Contains(output.Spans[0].Resource.Attributes, a => a.Key == "service.name" && a.Value.StringValue == "e2e-dotnet-client");
        Assert.Equal(3, sent.Spans.Count);
    }
}
