using System.Buffers;
using System.Text.Json;
using Kubetrace.Exporters.Helper;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.Otlp;

/// <summary>POSTs each batch to the traces URL, protobuf (the batch's own bytes) or OTLP JSON.</summary>
internal sealed class OtlpHttpSink : IExportSink
{
    private const int MaxErrorBody = 64 * 1024;
    private readonly OtlpHttpExporterConfig _config;
    private readonly OtlpJsonWriter _writeJson;
    private readonly HttpClient _client;
    private readonly Uri _url;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public OtlpHttpSink(OtlpHttpExporterConfig config, OtlpJsonWriter writeJson, ILogger logger, TimeProvider time)
    {
        _config = config;
        _writeJson = writeJson;
        _logger = logger;
        _time = time;
        _url = config.TracesUrl();
        // The timeout stage bounds each attempt; HttpClient's own limit would only race it.
        _client = new HttpClient(ClientHandlerFactory.Create(config.Tls)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        foreach (var (key, value) in config.Headers) _client.DefaultRequestHeaders.TryAddWithoutValidation(key, value);
    }

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        var json = _config.Encoding == OtlpHttpEncoding.Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, _url)
        {
            Content = new OtlpHttpContent(json ? EncodeJson(batch) : batch.Encoded,
                json ? "application/json" : "application/x-protobuf", _config.Compression == OtlpCompression.Gzip),
        };
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (HttpRequestException error)
        {
            throw ConsumerException.Unavailable($"POST {_url} failed: {error.Message}", inner: error);
        }
        using (response)
        {
            var body = await ReadBounded(response, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) throw HttpErrorClassifier.Classify(response, body, _time.GetUtcNow());
            ReportPartialSuccess(body, response.Content.Headers.ContentType?.MediaType);
        }
    }

    private ReadOnlyMemory<byte> EncodeJson(TraceBatch batch)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, batch.EncodedSize * 2));
        _writeJson(buffer, batch.Request);
        return buffer.WrittenMemory;
    }

    /// <summary>The response body, at most <see cref="MaxErrorBody"/> bytes: enough for a google.rpc.Status or a
    /// partial success, without letting a misbehaving server make us buffer megabytes.</summary>
    private static async Task<byte[]> ReadBounded(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var declared = response.Content.Headers.ContentLength;
        if (declared == 0) return [];
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[(int)Math.Min(declared ?? 1024, MaxErrorBody)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length == MaxErrorBody) break;
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxErrorBody));
            }
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            length += read;
        }
        return length == buffer.Length ? buffer : buffer[..length];
    }

    private void ReportPartialSuccess(byte[] body, string? mediaType)
    {
        if (body.Length == 0) return;
        try
        {
            var partial = mediaType == "application/json"
                ? ReadJsonPartialSuccess(body)
                : ExportTraceServiceResponse.Parser.ParseFrom(body).PartialSuccess;
            PartialSuccessLog.Report(_logger, partial, _url.ToString());
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or JsonException)
        {
            _logger.LogDebug("Unreadable success response from {Url}: {Error}", _url, e.Message);
        }
    }

    private static ExportTracePartialSuccess? ReadJsonPartialSuccess(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        if (!json.RootElement.TryGetProperty("partialSuccess", out var partial)) return null;
        var result = new ExportTracePartialSuccess();
        if (partial.TryGetProperty("rejectedSpans", out var rejected))
            result.RejectedSpans = rejected.ValueKind == JsonValueKind.String ? long.Parse(rejected.GetString()!) : rejected.GetInt64();
        if (partial.TryGetProperty("errorMessage", out var message)) result.ErrorMessage = message.GetString() ?? "";
        return result;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _client.Dispose();
        return Task.CompletedTask;
    }
}
