using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Receivers;

public class OtlpGrpcReceiverTests
{
    private static TraceService.TraceServiceClient Client(RunningReceiver receiver, out GrpcChannel channel)
    {
        channel = GrpcChannel.ForAddress(receiver.GrpcAddress, new GrpcChannelOptions { MaxSendMessageSize = null });
        return new TraceService.TraceServiceClient(channel);
    }

    private static readonly Metadata Gzip = [new Metadata.Entry("grpc-internal-encoding-request", "gzip")];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Export_hands_the_received_bytes_to_the_pipeline_unchanged(bool gzip)
    {
        await using var receiver = await RunningReceiver.StartAsync();
        var sentEncodings = new List<string>();
        using var channel = GrpcChannel.ForAddress(receiver.GrpcAddress, new GrpcChannelOptions
        {
            HttpHandler = new HeaderRecorder(sentEncodings, new SocketsHttpHandler()),
        });
        var client = new TraceService.TraceServiceClient(channel);
        var request = SampleRequests.Valid(10);

        var response = await client.ExportAsync(request, gzip ? Gzip : null);

        Assert.Null(response.PartialSuccess);
        var batch = Assert.Single(receiver.Consumer.Batches);
        Assert.True(batch.HasEncoded, "valid protobuf should take the pass-through path");
        Assert.Equal(10, batch.SpanCount);
        Assert.Equal(request.ToByteArray(), batch.Encoded.ToArray());
        Assert.Equal([gzip ? "gzip" : "identity"], sentEncodings);
        Assert.Equal(10, receiver.Counter("otelcol_receiver_accepted_spans", "grpc"));
    }

    [Fact]
    public async Task Invalid_spans_are_rejected_through_partial_success_and_the_rest_kept()
    {
        await using var receiver = await RunningReceiver.StartAsync();
        var client = Client(receiver, out var channel);
        using var _ = channel;
        var bad = SampleRequests.ValidSpan("bad");
        bad.TraceId = ByteString.CopyFrom(1, 2, 3);
        var request = SampleRequests.WithSpans(SampleRequests.ValidSpan("good", 1), bad);

        var response = await client.ExportAsync(request);

        Assert.Equal(1, response.PartialSuccess.RejectedSpans);
        Assert.Contains("span 1 (name \"bad\"): trace_id must be 16 bytes, got 3", response.PartialSuccess.ErrorMessage);
        Assert.Equal("good", Assert.Single(receiver.Consumer.Batches).Request.ResourceSpans[0].ScopeSpans[0].Spans.Single().Name);
        Assert.Equal(1, receiver.Counter("otelcol_receiver_accepted_spans", "grpc"));
        Assert.Equal(1, receiver.Counter("otelcol_receiver_refused_spans", "grpc"));
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_resource_exhausted_without_retry_info()
    {
        await using var receiver = await RunningReceiver.StartAsync(c => c.Protocols.Grpc!.MaxRecvMsgSizeMib = 1);
        var client = Client(receiver, out var channel);
        using var _ = channel;
        var big = SampleRequests.Valid(1);
        big.ResourceSpans[0].ScopeSpans[0].Spans[0].Name = new string('x', 1_100_000);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(big).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Null(error.Trailers.GetValueBytes("grpc-status-details-bin"));
        Assert.Empty(receiver.Consumer.Batches);
    }

    [Fact]
    public async Task Undecodable_bytes_are_invalid_argument()
    {
        await using var receiver = await RunningReceiver.StartAsync();
        using var channel = GrpcChannel.ForAddress(receiver.GrpcAddress);
        var invoker = channel.CreateCallInvoker();
        var raw = new Method<byte[], ExportTraceServiceResponse>(MethodType.Unary, "opentelemetry.proto.collector.trace.v1.TraceService", "Export",
            Marshallers.Create(b => b, b => b), Marshallers.Create(r => r.ToByteArray(), ExportTraceServiceResponse.Parser.ParseFrom));

        var error = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(raw, null, new CallOptions(), [0x0A, 0x7F, 0x01]).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("invalid protobuf at byte 1: length 127 runs past the end", error.Status.Detail);
    }

    public static TheoryData<ConsumerException, StatusCode, double?> Refusals => new()
    {
        { ConsumerException.Permanent("bad data"), StatusCode.InvalidArgument, null },
        { ConsumerException.Unavailable("exporter down", TimeSpan.FromSeconds(3)), StatusCode.Unavailable, 3 },
        { ConsumerException.ResourceExhausted("memory limit"), StatusCode.ResourceExhausted, 1 },
        { ConsumerException.ResourceExhausted("queue full", TimeSpan.FromMilliseconds(2500)), StatusCode.ResourceExhausted, 2.5 },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Pipeline_refusals_map_to_grpc_status_with_retry_info_when_retrying_makes_sense(
        ConsumerException refusal, StatusCode expected, double? retryDelaySeconds)
    {
        await using var receiver = await RunningReceiver.StartAsync();
        receiver.Consumer.RefuseWith = refusal;
        var client = Client(receiver, out var channel);
        using var _ = channel;

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(SampleRequests.Valid(3)).ResponseAsync);

        Assert.Equal(expected, error.StatusCode);
        Assert.Equal(refusal.Message, error.Status.Detail);
        var details = error.Trailers.GetValueBytes("grpc-status-details-bin");
        if (retryDelaySeconds is null)
        {
            Assert.Null(details);
        }
        else
        {
            var status = Google.Rpc.Status.Parser.ParseFrom(details);
            var retryInfo = status.Details.Single().Unpack<Google.Rpc.RetryInfo>();
            Assert.Equal(TimeSpan.FromSeconds(retryDelaySeconds.Value), retryInfo.RetryDelay.ToTimeSpan());
        }
        Assert.Equal(3, receiver.Counter("otelcol_receiver_refused_spans", "grpc"));
    }

    [Fact]
    public async Task Include_metadata_passes_request_headers_on_with_the_batch()
    {
        await using var receiver = await RunningReceiver.StartAsync(c => c.Protocols.Grpc!.IncludeMetadata = true);
        var client = Client(receiver, out var channel);
        using var _ = channel;

        await client.ExportAsync(SampleRequests.Valid(1), new Metadata { { "X-Tenant", "team-a" } });

        var metadata = Assert.Single(receiver.Consumer.Batches).Metadata!;
        Assert.Equal("team-a", metadata["x-tenant"]);
        Assert.Equal("team-a", metadata["X-Tenant"]);
    }

    /// <summary>Records the grpc-encoding the client really sent, so that the gzip case is known to be compressed.</summary>
    private sealed class HeaderRecorder(List<string> encodings, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            encodings.Add(request.Headers.TryGetValues("grpc-encoding", out var values) ? values.Single() : "identity");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
