using System.Net.Http.Headers;
using Kubetrace.Bench.Workload;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Bench.Transport;

/// <summary>
/// OTLP/HTTP with protobuf bodies: <c>POST {endpoint}/v1/traces</c>, HTTP/1.1 keep-alive as the OpenTelemetry
/// SDK exporters use it, up to <c>concurrency</c> sockets per sender. Gzip is done here, per send, because the
/// IDs change every time.
/// </summary>
internal sealed class HttpOtlpSender : IOtlpSender
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");

    private readonly HttpClient _client;
    private readonly Uri _tracesUri;
    private readonly bool _gzip;

    /// <param name="handler">The sockets' handler (TLS settings); its pooling is set here.</param>
    /// <param name="bearerToken">Sent as <c>Authorization: Bearer</c> when given.</param>
    public HttpOtlpSender(Uri tracesUri, bool gzip, int concurrency, TimeSpan timeout, SocketsHttpHandler? handler = null, string? bearerToken = null)
    {
        handler ??= new SocketsHttpHandler();
        handler.MaxConnectionsPerServer = concurrency;
        handler.PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan;
        handler.PooledConnectionLifetime = Timeout.InfiniteTimeSpan;
        _client = new HttpClient(handler) { Timeout = timeout };
        if (bearerToken is not null) _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        _tracesUri = tracesUri;
        _gzip = gzip;
    }

    public async Task<SendOutcome> SendAsync(RequestBody body, CancellationToken cancellationToken)
    {
        var bytes = _gzip ? body.Gzip() : new ArraySegment<byte>(body.Bytes);
        var content = new ByteArrayContent(bytes.Array!, bytes.Offset, bytes.Count);
        content.Headers.ContentType = Protobuf;
        if (_gzip) content.Headers.ContentEncoding.Add("gzip");
        using var request = new HttpRequestMessage(HttpMethod.Post, _tracesUri) { Content = content };
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken)
                .ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return SendOutcome.Failed(ErrorLabels.Http((int)response.StatusCode));
            var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var rejected = payload.Length == 0 ? 0 : ExportTraceServiceResponse.Parser.ParseFrom(payload).PartialSuccess?.RejectedSpans ?? 0;
            return SendOutcome.Accepted(rejected);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendOutcome.Failed("http timeout");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return SendOutcome.Failed(ErrorLabels.Transport(e), e.Message);
        }
    }

    public void Dispose() => _client.Dispose();
}
