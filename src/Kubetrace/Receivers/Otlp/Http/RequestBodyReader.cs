using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Receivers.Otlp.Http;

/// <summary>
/// Reads a request body into one exact-size array that the batch will own, enforcing the size limit on the
/// decompressed bytes while they are read: a gzip bomb stops at the limit, having used at most that much memory.
/// </summary>
internal static class RequestBodyReader
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>
    /// Up to this declared length the final array is allocated before the body arrives. Larger bodies grow with the
    /// bytes actually received, so that a client declaring a big Content-Length and then stalling does not make the
    /// server commit that memory up front.
    /// </summary>
    private const long UpFrontLimit = 1024 * 1024;

    /// <exception cref="BodyTooLargeException">More than <paramref name="limit"/> bytes (declared or read).</exception>
    /// <exception cref="InvalidDataException">The compressed body is corrupt.</exception>
    public static async ValueTask<byte[]> ReadAsync(HttpRequest request, ContentCoding coding, long limit, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        if (declared > limit) throw new BodyTooLargeException(limit);

        if (coding == ContentCoding.Identity && declared is { } length && length <= UpFrontLimit)
        {
            // The common case: read straight into the final array, one copy out of the transport.
            var body = new byte[length];
            await request.Body.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
            return body;
        }

        await using var source = ContentCodings.Decode(coding, request.Body);
        return await ReadLimitedAsync(source, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads into pooled buffers that grow by doubling, never past <paramref name="limit"/> + one chunk.</summary>
    private static async ValueTask<byte[]> ReadLimitedAsync(Stream source, long limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var length = 0;
        try
        {
            while (true)
            {
                if (buffer.Length - length < ChunkSize / 4)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + ChunkSize));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await source.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0) return buffer.AsSpan(0, length).ToArray();
                length += read;
                if (length > limit) throw new BodyTooLargeException(limit);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
