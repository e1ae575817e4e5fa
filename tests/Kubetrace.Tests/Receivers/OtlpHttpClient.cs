using System.IO.Compression;
using System.Net.Http.Headers;
using Google.Protobuf;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Tests.Receivers;

/// <summary>Builds OTLP/HTTP requests the way exporters send them, and reads the answers.</summary>
internal static class OtlpHttpClient
{
    public static HttpContent Protobuf(ExportTraceServiceRequest request, bool gzip = false) =>
        Body(request.ToByteArray(), "application/x-protobuf", gzip);

    public static HttpContent Json(ExportTraceServiceRequest request, bool gzip = false) =>
        Body(OtlpJson.ToUtf8Bytes(request), "application/json", gzip);

    public static HttpContent Body(byte[] bytes, string contentType, bool gzip = false)
    {
        var content = new ByteArrayContent(gzip ? Gzip(bytes) : bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip) content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    public static async Task<ExportTraceServiceResponse> ReadResponseAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return response.Content.Headers.ContentType?.MediaType == "application/json"
            ? OtlpJson.ParseResponse(bytes)
            : ExportTraceServiceResponse.Parser.ParseFrom(bytes);
    }

    public static async Task<Google.Rpc.Status> ReadStatusAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return response.Content.Headers.ContentType?.MediaType == "application/json"
            ? OtlpJson.ParseStatus(bytes)
            : Google.Rpc.Status.Parser.ParseFrom(bytes);
    }
}
