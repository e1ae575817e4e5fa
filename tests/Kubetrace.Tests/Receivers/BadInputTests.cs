using Kubetrace.Tests.TestSupport;
using System.IO.Compression;
using System.Net;
using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Receivers;

/// <summary>
/// Each kind of bad input gets its specified answer while valid traffic (gRPC, HTTP protobuf, HTTP JSON gzip)
/// flows beside it, and that traffic is all accepted and arrives unchanged.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public class BadInputTests
{
    private const long BodyLimit = 4 * 1024 * 1024;

    private static readonly HttpClient Http = new();

    internal static readonly Lazy<byte[]> GzipBomb = new(() =>
    {
        // 1 GiB of zeros compresses to about 1 MiB.
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 1024; i++) gzip.Write(zeros);
        }
        return output.ToArray();
    });

    private static readonly Dictionary<string, Func<RunningReceiver, Task>> Cases = new()
    {
        ["truncated protobuf over HTTP"] = async r =>
        {
            var body = SampleRequests.Valid(3).ToByteArray()[..^5];
            await ExpectHttpErrorAsync(r, OtlpHttpClient.Body(body, "application/x-protobuf"), HttpStatusCode.BadRequest, "invalid protobuf");
        },
        ["truncated protobuf over gRPC"] = async r =>
        {
            var error = await SendRawGrpcAsync(r, SampleRequests.Valid(3).ToByteArray()[..^5]);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        },
        ["random bytes over HTTP"] = async r =>
        {
            await ExpectHttpErrorAsync(r, OtlpHttpClient.Body(RandomBytes(1000), "application/x-protobuf"), HttpStatusCode.BadRequest, "invalid protobuf");
        },
        ["random bytes over gRPC"] = async r =>
        {
            var error = await SendRawGrpcAsync(r, RandomBytes(1000));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        },
        ["invalid JSON"] = async r =>
        {
            await ExpectHttpErrorAsync(r, OtlpHttpClient.Body("""{"resourceSpans":[{"scopeSpans":"""u8.ToArray(), "application/json"),
                HttpStatusCode.BadRequest, "invalid JSON");
        },
        ["wrong content type"] = async r =>
        {
            await ExpectHttpErrorAsync(r, OtlpHttpClient.Body(SampleRequests.Valid(1).ToByteArray(), "application/octet-stream"),
                HttpStatusCode.UnsupportedMediaType, "unsupported content type");
        },
        ["oversize body with Content-Length"] = async r =>
        {
            await ExpectHttpErrorAsync(r, OtlpHttpClient.Body(new byte[BodyLimit + 1], "application/x-protobuf"),
                HttpStatusCode.RequestEntityTooLarge, "exceeds the limit");
        },
        ["oversize body streamed without Content-Length"] = async r =>
        {
            var content = new StreamContent(new MemoryStream(new byte[BodyLimit * 2]));
            content.Headers.ContentType = new("application/x-protobuf");
            var send = new HttpRequestMessage(HttpMethod.Post, r.TracesUrl) { Content = content };
            send.Headers.TransferEncodingChunked = true;
            using var response = await Http.SendAsync(send);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        },
        ["gzip bomb"] = async r =>
        {
            var bomb = GzipBomb.Value;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            using var response = await Http.PostAsync(r.TracesUrl, GzippedBody(bomb));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            Assert.True(allocated < 256L * 1024 * 1024, $"{allocated / (1024 * 1024)} MiB allocated while refusing a 1 GiB gzip bomb");
        },
        ["invalid IDs"] = async r =>
        {
            var bad = SampleRequests.ValidSpan("bad-ids");
            bad.SpanId = ByteString.CopyFrom(new byte[8]);
            using var response = await Http.PostAsync(r.TracesUrl, OtlpHttpClient.Protobuf(SampleRequests.WithSpans(SampleRequests.ValidSpan("kept", 99), bad)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var partial = (await OtlpHttpClient.ReadResponseAsync(response)).PartialSuccess;
            Assert.Equal(1, partial.RejectedSpans);
            Assert.Contains("span_id must not be all zero", partial.ErrorMessage);
        },
        ["unknown JSON fields"] = async r =>
        {
            var json = """
                {"resourceSpans":[{"newField":{"a":[1,2]},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",
                  "spanId":"eee19b7ec3c1b174","name":"with-unknown-fields","futureThing":true}]}]}],"extra":null}
                """;
            using var response = await Http.PostAsync(r.TracesUrl, OtlpHttpClient.Body(Encoding.UTF8.GetBytes(json), "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null((await OtlpHttpClient.ReadResponseAsync(response)).PartialSuccess);
        },
        ["slowloris headers"] = async r =>
        {
            // Kestrel runs with read_header_timeout (2 s, not its default 30 s), and the drop is the header timeout's: a 408.
            Assert.Equal(TimeSpan.FromSeconds(2), r.Receiver.HttpLimits!.HeaderTimeout);
            using var client = await HeldConnection.OpenAsync(r.TracesUrl, "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-");
            await Wait.UntilAsync(() => client.IsClosed, "the server dropped a client that never finished its headers");
            Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", client.Received);
        },
        ["slowloris body"] = async r =>
        {
            using var client = await HeldConnection.OpenAsync(r.TracesUrl,
                "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\nabc");
            await Wait.UntilAsync(() => client.IsClosed, "the server dropped a client that stopped sending its body");
            Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", client.Received);
        },
        ["downstream refusals"] = async r =>
        {
            r.Consumer.RefuseWhen = batch => batch.Request.ResourceSpans[0].ScopeSpans[0].Spans[0].Name switch
            {
                "refuse-permanent" => ConsumerException.Permanent("cannot ever accept"),
                "refuse-unavailable" => ConsumerException.Unavailable("exporter down", TimeSpan.FromSeconds(7)),
                "refuse-exhausted" => ConsumerException.ResourceExhausted("over the memory limit", TimeSpan.FromSeconds(2)),
                _ => null,
            };
            foreach (var (name, status, retryAfter) in new[] { ("refuse-permanent", 400, (int?)null), ("refuse-unavailable", 503, 7), ("refuse-exhausted", 429, 2) })
            {
                using var response = await Http.PostAsync(r.TracesUrl, OtlpHttpClient.Protobuf(SampleRequests.WithSpans(SampleRequests.ValidSpan(name))));
                Assert.Equal(status, (int)response.StatusCode);
                Assert.Equal(retryAfter, (int?)response.Headers.RetryAfter?.Delta?.TotalSeconds);
            }
            using var channel = GrpcChannel.ForAddress(r.GrpcAddress);
            var client = new TraceService.TraceServiceClient(channel);
            var error = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(SampleRequests.WithSpans(SampleRequests.ValidSpan("refuse-exhausted"))).ResponseAsync);
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
            Assert.NotNull(error.Trailers.GetValueBytes("grpc-status-details-bin"));
        },
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_input_is_refused_as_specified_while_valid_traffic_is_unaffected(string name)
    {
        await using var receiver = await RunningReceiver.StartAsync(c =>
        {
            c.Protocols.Http!.MaxRequestBodySize = BodyLimit;
            c.Protocols.Http.ReadHeaderTimeout = TimeSpan.FromSeconds(2);
        });
        await using var traffic = new BackgroundTraffic(receiver);
        await Wait.UntilAsync(() => traffic.SentCount >= 3, "background traffic sent 3 requests");

        var sentBefore = traffic.SentCount;
        await Cases[name](receiver);

        await Wait.UntilAsync(() => traffic.SentCount >= sentBefore + 9, "background traffic sent 9 more requests");
        await traffic.StopAndVerifyAsync(atLeastSent: sentBefore + 9);
    }

    private static async Task ExpectHttpErrorAsync(RunningReceiver receiver, HttpContent content, HttpStatusCode expected, string messagePart)
    {
        using var response = await Http.PostAsync(receiver.TracesUrl, content);
        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(messagePart, (await OtlpHttpClient.ReadStatusAsync(response)).Message);
    }

    private static async Task<RpcException> SendRawGrpcAsync(RunningReceiver receiver, byte[] body)
    {
        using var channel = GrpcChannel.ForAddress(receiver.GrpcAddress);
        var raw = new Method<byte[], ExportTraceServiceResponse>(MethodType.Unary, "opentelemetry.proto.collector.trace.v1.TraceService", "Export",
            Marshallers.Create(b => b, b => b), Marshallers.Create(r => r.ToByteArray(), ExportTraceServiceResponse.Parser.ParseFrom));
        return await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(raw, null, new CallOptions(), body).ResponseAsync);
    }

    private static HttpContent GzippedBody(byte[] compressed)
    {
        var content = new ByteArrayContent(compressed);
        content.Headers.ContentType = new("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

}
