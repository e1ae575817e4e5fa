using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Bench.Workload;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Bench.Transport;

/// <summary>
/// OTLP/gRPC over one HTTP/2 connection (one GrpcChannel with a single-connection handler). The request
/// marshaller hands gRPC the pre-encoded bytes as they are, so the generator never serializes a message.
/// </summary>
internal sealed class GrpcOtlpSender : IOtlpSender
{
    private static readonly Method<RequestBody, ExportTraceServiceResponse> Export = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.trace.v1.TraceService",
        "Export",
        Marshallers.Create<RequestBody>(
            (body, context) => context.Complete(body.Bytes),
            _ => throw new NotSupportedException("the generator only sends requests")),
        Marshallers.Create<ExportTraceServiceResponse>(
            (response, context) => context.Complete(response.ToByteArray()),
            context => ExportTraceServiceResponse.Parser.ParseFrom(context.PayloadAsReadOnlySequence())));

    // Grpc.Net.Client compresses a call when this header names a registered provider (gzip is built in).
    private static readonly Metadata GzipHeaders = new() { { "grpc-internal-encoding-request", "gzip" } };

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly Metadata? _headers;
    private readonly TimeSpan _timeout;

    /// <param name="handler">The connection's handler (TLS settings); its pooling is set here.</param>
    /// <param name="bearerToken">Sent as <c>authorization: Bearer</c> metadata when given.</param>
    public GrpcOtlpSender(Uri endpoint, bool gzip, TimeSpan timeout, SocketsHttpHandler? handler = null, string? bearerToken = null)
    {
        handler ??= new SocketsHttpHandler();
        handler.EnableMultipleHttp2Connections = false;
        handler.PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan;
        handler.PooledConnectionLifetime = Timeout.InfiniteTimeSpan;
        _channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxSendMessageSize = null,
            MaxReceiveMessageSize = 4 * 1024 * 1024,
        });
        _invoker = _channel.CreateCallInvoker();
        _headers = gzip ? GzipHeaders : null;
        if (bearerToken is not null)
        {
            _headers = new Metadata { { "authorization", "Bearer " + bearerToken } };
            if (gzip) _headers.Add(GzipHeaders[0]);
        }
        _timeout = timeout;
    }

    public async Task<SendOutcome> SendAsync(RequestBody body, CancellationToken cancellationToken)
    {
        try
        {
            using var call = _invoker.AsyncUnaryCall(Export, null,
                new CallOptions(_headers, DateTime.UtcNow + _timeout, cancellationToken), body);
            var response = await call.ResponseAsync.ConfigureAwait(false);
            return SendOutcome.Accepted(response.PartialSuccess?.RejectedSpans ?? 0);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            return SendOutcome.Failed(ErrorLabels.Grpc(e.StatusCode), e.Status.Detail);
        }
        catch (Exception e) when (e is not OperationCanceledException and not RpcException)
        {
            return SendOutcome.Failed(ErrorLabels.Transport(e), e.Message);
        }
    }

    public void Dispose() => _channel.Dispose();
}
