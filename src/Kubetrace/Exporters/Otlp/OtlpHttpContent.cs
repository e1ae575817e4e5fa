using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace Kubetrace.Exporters.Otlp;

/// <summary>
/// A request body written straight from the encoded batch to the connection, gzipped on the way when asked:
/// no compressed copy of the batch is ever held in memory.
/// </summary>
internal sealed class OtlpHttpContent : HttpContent
{
    private readonly ReadOnlyMemory<byte> _body;
    private readonly bool _gzip;

    public OtlpHttpContent(ReadOnlyMemory<byte> body, string contentType, bool gzip)
    {
        _body = body;
        _gzip = gzip;
        Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (gzip) Headers.ContentEncoding.Add("gzip");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context,
        CancellationToken cancellationToken)
    {
        if (!_gzip)
        {
            await stream.WriteAsync(_body, cancellationToken).ConfigureAwait(false);
            return;
        }
        await using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        await gzip.WriteAsync(_body, cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return !_gzip;
    }
}
