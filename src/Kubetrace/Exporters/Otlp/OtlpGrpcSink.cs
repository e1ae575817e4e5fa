using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Exporters.Helper;
using Kubetrace.Pipeline;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.Otlp;

/// <summary>Sends each batch with one TraceService/Export call over a long-lived HTTP/2 channel.</summary>
internal sealed class OtlpGrpcSink : IExportSink
{
    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly Metadata _headers = new();
    private readonly string _endpoint;
    private readonly ILogger _logger;

    public OtlpGrpcSink(OtlpGrpcExporterConfig config, ILogger logger)
    {
        _logger = logger;
        var address = config.Address();
        _endpoint = address.Authority;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = ClientHandlerFactory.Create(config.Tls),
            // Our timeout stage cancels the token: surface that as cancellation, not as a server status.
            ThrowOperationCanceledOnCancellation = true,
            MaxReceiveMessageSize = 4 * 1024 * 1024,
        });
        _invoker = _channel.CreateCallInvoker();
        foreach (var (key, value) in config.Headers) _headers.Add(key.ToLowerInvariant(), value);
        if (config.Compression == OtlpCompression.Gzip) _headers.Add("grpc-internal-encoding-request", "gzip");
    }

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _invoker.AsyncUnaryCall(PassThroughMarshallers.Export, null,
                new CallOptions(_headers, cancellationToken: cancellationToken), batch).ConfigureAwait(false);
            PartialSuccessLog.Report(_logger, response.PartialSuccess, _endpoint);
        }
        catch (RpcException error)
        {
            throw GrpcErrorClassifier.Classify(error, _endpoint);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _channel.Dispose();
        return Task.CompletedTask;
    }
}
