using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Exporters.Helper;
using Kubetrace.Extensions.Auth;
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
    private readonly Func<IClientAuthenticator?> _resolveAuth;
    private IClientAuthenticator? _auth;

    /// <param name="resolveAuth">The <c>auth:</c> extension, looked up at start (extensions start before exporters).</param>
    public OtlpGrpcSink(OtlpGrpcExporterConfig config, ILogger logger, Func<IClientAuthenticator?> resolveAuth)
    {
        _logger = logger;
        _resolveAuth = resolveAuth;
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
                new CallOptions(HeadersNow(), cancellationToken: cancellationToken), batch).ConfigureAwait(false);
            PartialSuccessLog.Report(_logger, response.PartialSuccess, _endpoint);
        }
        catch (RpcException error)
        {
            throw GrpcErrorClassifier.Classify(error, _endpoint);
        }
    }

    /// <summary>The fixed headers, and the authenticator's credential as it is now (a token file may have rotated).</summary>
    private Metadata HeadersNow()
    {
        if (_auth is null) return _headers;
        var headers = new Metadata();
        foreach (var entry in _headers) headers.Add(entry);
        var (name, value) = _auth.Header();
        headers.Add(name, value);
        return headers;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _auth = _resolveAuth();
        return Task.CompletedTask;
    }

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _channel.Dispose();
        return Task.CompletedTask;
    }
}
