using Kubetrace.Receivers.Otlp.Admission;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Receivers.Otlp.Http;

/// <summary>
/// Reads an OTLP/HTTP request body, enforcing the size limit on the decompressed bytes while they are read
/// (<see cref="DecodedBodyReader"/>). Every decompressed byte is taken from the request's <see cref="InFlightLease"/>
/// before it is kept, so that all requests together stay within the receiver's budget.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>
    /// Up to this declared length the buffer is sized before the body arrives. Larger bodies grow with the bytes
    /// actually received, so that a client declaring a big Content-Length and then stalling does not make the
    /// server commit that memory up front.
    /// </summary>
    private const long UpFrontLimit = 1024 * 1024;

    /// <summary>
    /// Reads the body into one exact-size array that a batch can own: straight from the transport when the length is
    /// declared and small, otherwise through a pooled buffer.
    /// </summary>
    /// <exception cref="BodyTooLargeException">More than <paramref name="limit"/> bytes (declared or read).</exception>
    /// <exception cref="InvalidDataException">The compressed body is corrupt.</exception>
    /// <exception cref="RequestOverBudgetException">The bytes read so far do not fit in the in-flight budget.</exception>
    public static async ValueTask<byte[]> ReadArrayAsync(HttpRequest request, ContentCoding coding, long limit, InFlightLease lease,
        CancellationToken cancellationToken)
    {
        var declared = CheckDeclaredLength(request, limit);
        if (coding == ContentCoding.Identity && declared is { } length and <= UpFrontLimit)
        {
            DecodedBodyReader.Take(lease, length);
            // Not zeroed first: ReadExactlyAsync fills every byte or throws.
            var body = GC.AllocateUninitializedArray<byte>((int)length);
            await request.Body.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
            return body;
        }
        using var pooled = await ReadPooledAsync(request, coding, limit, lease, cancellationToken).ConfigureAwait(false);
        return pooled.ToArray();
    }

    /// <summary>Reads the body into a pooled buffer, for bodies that are decoded into objects and then dropped (JSON).</summary>
    /// <exception cref="BodyTooLargeException">More than <paramref name="limit"/> bytes (declared or read).</exception>
    /// <exception cref="InvalidDataException">The compressed body is corrupt.</exception>
    /// <exception cref="RequestOverBudgetException">The bytes read so far do not fit in the in-flight budget.</exception>
    public static async ValueTask<PooledBody> ReadPooledAsync(HttpRequest request, ContentCoding coding, long limit, InFlightLease lease,
        CancellationToken cancellationToken)
    {
        var declared = CheckDeclaredLength(request, limit);
        var initial = coding == ContentCoding.Identity && declared is { } length and <= UpFrontLimit ? (int)length + 1 : DecodedBodyReader.ChunkSize;
        await using var source = ContentCodings.Decode(coding, request.Body);
        return await DecodedBodyReader.ReadAsync(source, limit, initial, lease, cancellationToken).ConfigureAwait(false);
    }

    private static long? CheckDeclaredLength(HttpRequest request, long limit)
    {
        var declared = request.ContentLength;
        if (declared > limit) throw new BodyTooLargeException(limit);
        return declared;
    }
}
