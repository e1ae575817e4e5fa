using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Receivers;

/// <summary>
/// Malformed bytes below the OTLP message: text that is not UTF-8 in OTLP/JSON, and broken gRPC framing. Each gets
/// a clear 4xx or the status grpc-go answers, and the log gets no stack trace.
/// </summary>
public sealed class MalformedInputTests
{
    private static readonly HttpClient Http = new();

    [Theory]
    [InlineData("lone surrogate escape", "\"name\":\"a\\ud800b\"")]
    [InlineData("raw 0xFF byte", "\"name\":\"a\u00FFb\"")]
    [InlineData("truncated sequence", "\"name\":\"a\u00E2b\"")]
    public async Task Text_that_is_not_utf8_in_otlp_json_is_400_with_its_position(string what, string field)
    {
        _ = what;
        var log = new ConcurrentQueue<string>();
        await using var receiver = await RunningReceiver.StartAsync(loggerFactory: TestSettings.Capturing(log));
        var json = System.Text.Encoding.Latin1.GetBytes(
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\"," + field + "}]}]}]}");

        using var response = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Body(json, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await OtlpHttpClient.ReadStatusAsync(response)).Message;
        Assert.Contains("resourceSpans[0].scopeSpans[0].spans[0].name", message);
        Assert.Contains("name: the string at byte 124 is not valid UTF-8 text", message); // its opening quote
        Assert.Empty(receiver.Consumer.Batches);
        Assert.DoesNotContain(log, line => line.Contains("   at ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("corrupt gzip", "13", "failed to decompress")]          // INTERNAL, as grpc-go's recvAndDecompress
    [InlineData("length 0xFFFFFFFF", "8", "larger than max")]          // RESOURCE_EXHAUSTED, as grpc-go's recvMsg
    [InlineData("compressed flag 2", "13", "unexpected payload format")] // INTERNAL, as grpc-go's checkRecvPayload
    public async Task Broken_grpc_framing_gets_grpc_gos_status_without_a_stack_trace_in_the_log(string what, string status, string messagePart)
    {
        var log = new ConcurrentQueue<string>();
        await using var receiver = await RunningReceiver.StartAsync(loggerFactory: TestSettings.Capturing(log));
        var message = SampleRequests.Valid(2).ToByteArray();
        var (flag, length, payload, gzip) = what switch
        {
            "corrupt gzip" => ((byte)1, -1L, CorruptGzip(message), true),
            "length 0xFFFFFFFF" => ((byte)0, 0xFFFFFFFFL, message, false),
            _ => ((byte)2, -1L, message, false),
        };
        var frame = RawGrpcCall.Frame(flag, payload, length >= 0 ? length : null);

        var (grpcStatus, grpcMessage) = await RawGrpcCall.SendAsync(receiver, frame, gzip);

        Assert.Equal(status, grpcStatus);
        Assert.Contains(messagePart, grpcMessage);
        Assert.Empty(receiver.Consumer.Batches);
        Assert.DoesNotContain(log, line => line.Contains("   at ", StringComparison.Ordinal));
    }

    /// <summary>A gzip body cut short (a proxy that dropped its end) is refused, as Go's gzip reader refuses it with
    /// "unexpected EOF": inflated as far as it goes, it can end on a span boundary and be stored as a silent part.</summary>
    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_gzip_message_cut_short_is_refused_not_stored_in_part(string transport)
    {
        var log = new ConcurrentQueue<string>();
        await using var receiver = await RunningReceiver.StartAsync(loggerFactory: TestSettings.Capturing(log));
        var gzip = RawGrpcCall.Gzip(SampleRequests.Valid(200).ToByteArray());
        var truncated = gzip[..(gzip.Length / 2)];

        string status, message;
        if (transport == "http")
        {
            var content = OtlpHttpClient.Body(truncated, "application/x-protobuf");
            content.Headers.ContentEncoding.Add("gzip");
            using var response = await Http.PostAsync(receiver.TracesUrl, content);
            (status, message) = (((int)response.StatusCode).ToString(), (await OtlpHttpClient.ReadStatusAsync(response)).Message);
        }
        else
        {
            (status, message) = await RawGrpcCall.SendAsync(receiver, RawGrpcCall.Frame(1, truncated, null), true);
        }

        Assert.Equal(transport == "http" ? "400" : "13", status);
        Assert.Contains("truncated", message);
        Assert.Empty(receiver.Consumer.Batches);
        Assert.DoesNotContain(log, line => line.Contains("   at ", StringComparison.Ordinal));
    }

    private static byte[] CorruptGzip(byte[] message)
    {
        var bytes = RawGrpcCall.Gzip(message);
        for (var i = 12; i < bytes.Length - 8; i += 3) bytes[i] ^= 0x5A; // the deflate stream, not the header
        return bytes;
    }
}
