using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.Otlp;

/// <summary>
/// Maps an OTLP/HTTP failure to a <see cref="ConsumerException"/> once, by the OTLP specification: 429, 502, 503
/// and 504 are retryable (honouring Retry-After, in seconds or as an HTTP date); every other status is permanent.
/// The server's google.rpc.Status message, when the body has one, goes into the error text.
/// </summary>
internal static class HttpErrorClassifier
{
    public static ConsumerException Classify(HttpResponseMessage response, byte[] body, DateTimeOffset now)
    {
        var status = (int)response.StatusCode;
        var detail = StatusMessage(body, response.Content.Headers.ContentType?.MediaType);
        var message = $"HTTP {status} {response.ReasonPhrase} from {response.RequestMessage?.RequestUri}" +
                      (detail.Length > 0 ? $": {detail}" : "");
        var retryAfter = RetryAfter(response, now);
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => ConsumerException.ResourceExhausted(message, retryAfter),
            HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout =>
                ConsumerException.Unavailable(message, retryAfter),
            _ => ConsumerException.Permanent(message),
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date > now ? date - now : TimeSpan.Zero;
        return null;
    }

    /// <summary>The message field of a google.rpc.Status body (protobuf field 2, or JSON "message"); else the text.</summary>
    private static string StatusMessage(byte[] body, string? mediaType)
    {
        if (body.Length == 0) return "";
        try
        {
            if (mediaType == "application/x-protobuf")
            {
                var input = new CodedInputStream(body);
                for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
                {
                    if (tag == (2 << 3 | 2)) return input.ReadString();
                    input.SkipLastField();
                }
                return "";
            }
            if (mediaType == "application/json")
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.ValueKind == JsonValueKind.Object &&
                    json.RootElement.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String)
                    return text.GetString() ?? "";
            }
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or JsonException)
        {
            // Fall through to the raw text: an unreadable error body still says something.
        }
        var raw = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 256));
        return raw.ReplaceLineEndings(" ").Trim();
    }
}
