using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;

namespace Kubetrace.Tests.Receivers;

/// <summary>
/// A <c>TraceService/Export</c> call written by hand as HTTP/2 bytes, for what a gRPC client library would not send:
/// broken framing, chosen compressed bytes, gzip of several members.
/// </summary>
internal static class RawGrpcCall
{
    private static readonly HttpClient Http = new();

    /// <summary>A gRPC length-prefixed message: the flag (0 plain, 1 compressed), the length (the payload's unless
    /// given), the payload.</summary>
    public static byte[] Frame(byte flag, byte[] payload, long? length = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(length ?? payload.Length));
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>Sends one frame (with <c>grpc-encoding: gzip</c> when <paramref name="gzip"/>) and reads the answer's
    /// grpc-status and grpc-message, from the trailers or a trailers-only answer's headers.</summary>
    public static async Task<(string Status, string Message)> SendAsync(RunningReceiver receiver, byte[] frame, bool gzip)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(receiver.GrpcAddress, "/opentelemetry.proto.collector.trace.v1.TraceService/Export"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        if (gzip) request.Headers.Add("grpc-encoding", "gzip");
        request.Headers.TE.Add(new("trailers"));
        using var response = await Http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        string Header(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var values) ? values.Single()
            : response.Headers.TryGetValues(name, out var headers) ? headers.Single() : "";
        return (Header("grpc-status"), Uri.UnescapeDataString(Header("grpc-message")));
    }
}
