using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>A trace a client sent, by its IDs (lowercase hex), as the query APIs must give it back.</summary>
internal sealed record SentTraceIds(string TraceId, IReadOnlyList<string> SpanIds);

/// <summary>
/// One OTLP client over real transports (the generated gRPC TraceService client, or HTTP/protobuf through
/// HttpClient), sending small traces of fresh random IDs. It says whether the server ACKNOWLEDGED each request:
/// gRPC OK or HTTP 200, without rejected spans. Anything else, including an error or a timeout, is "not
/// acknowledged": the server owes nothing for those spans.
/// </summary>
internal sealed class OtlpSender : ITraceSender
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private readonly GrpcChannel? _channel;
    private readonly TraceService.TraceServiceClient? _grpc;
    private readonly HttpClient? _http;
    private readonly Uri? _httpUrl;

    private OtlpSender(Uri grpcEndpoint)
    {
        _channel = GrpcChannel.ForAddress(grpcEndpoint);
        _grpc = new TraceService.TraceServiceClient(_channel);
    }

    private OtlpSender(Uri httpTracesUrl, HttpClient http) => (_httpUrl, _http) = (httpTracesUrl, http);

    public static OtlpSender Grpc(Uri endpoint) => new(endpoint);

    public static OtlpSender Http(Uri tracesUrl) => new(tracesUrl, new HttpClient { Timeout = RequestTimeout });

    public string Transport => _grpc is not null ? "grpc" : "http";

    public async Task<(SentTraceIds? Acknowledged, string? Failure)> SendTraceAsync(string service, int spans)
    {
        var (request, ids) = NewTrace(service, spans);
        try
        {
            var failure = _grpc is not null ? await SendGrpcAsync(request) : await SendHttpAsync(request);
            return failure is null ? (ids, null) : (null, failure);
        }
        catch (RpcException e)
        {
            return (null, $"gRPC {e.StatusCode}: {e.Status.Detail}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return (null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    public void Dispose()
    {
        _channel?.Dispose();
        _http?.Dispose();
    }

    private async Task<string?> SendGrpcAsync(ExportTraceServiceRequest request)
    {
        var response = await _grpc!.ExportAsync(request, deadline: DateTime.UtcNow + RequestTimeout);
        return Rejected(response);
    }

    private async Task<string?> SendHttpAsync(ExportTraceServiceRequest request)
    {
        using var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await _http!.PostAsync(_httpUrl, content);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
            return $"HTTP {(int)response.StatusCode}" + (response.Headers.RetryAfter is { Delta: { } delay } ? $" Retry-After {delay.TotalSeconds}s" : "");
        return Rejected(ExportTraceServiceResponse.Parser.ParseFrom(body));
    }

    private static string? Rejected(ExportTraceServiceResponse response) =>
        response.PartialSuccess is { RejectedSpans: > 0 } partial
            ? $"{partial.RejectedSpans} spans rejected: {partial.ErrorMessage}"
            : null;

    /// <summary>A root span and its children, started now (inside the query APIs' default lookback).</summary>
    private static (ExportTraceServiceRequest, SentTraceIds) NewTrace(string service, int spanCount)
    {
        var traceId = RandomId(16);
        var start = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "kubetrace.tests.durability" } };
        ByteString? root = null;
        for (var i = 0; i < spanCount; i++)
        {
            var span = new OtlpSpan
            {
                TraceId = traceId,
                SpanId = RandomId(8),
                ParentSpanId = root ?? ByteString.Empty,
                Name = i == 0 ? "GET /api/v1/pods" : $"etcd get {i}",
                Kind = i == 0 ? OtlpSpan.Types.SpanKind.Server : OtlpSpan.Types.SpanKind.Client,
                StartTimeUnixNano = start + (ulong)i * 1000,
                EndTimeUnixNano = start + 5_000_000,
            };
            root ??= span.SpanId;
            scope.Spans.Add(span);
        }
        var request = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    Resource = new Resource { Attributes = { Spans.Attr("service.name", service) } },
                    ScopeSpans = { scope },
                },
            },
        };
        return (request, new SentTraceIds(OtlpValues.Hex(traceId), scope.Spans.Select(s => OtlpValues.Hex(s.SpanId)).ToList()));
    }

    private static ByteString RandomId(int length)
    {
        var bytes = new byte[length];
        do Random.Shared.NextBytes(bytes); while (bytes.All(b => b == 0)); // all-zero IDs are invalid in OTLP
        return ByteString.CopyFrom(bytes);
    }
}
