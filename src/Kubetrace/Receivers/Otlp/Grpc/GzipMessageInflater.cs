using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Kubetrace.Receivers.Otlp.Admission;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Receivers.Otlp.Grpc;

/// <summary>
/// Decompresses a request's gzip message before ASP.NET Core's gRPC would, into one pooled buffer and then one
/// exact-size array the batch owns. The framework decompresses into a <see cref="MemoryStream"/> that grows by
/// doubling and is then copied once more by the raw marshaller: in the overload soak that was 64% of all the bytes the
/// process allocated (738 of 1,160 MiB a minute, docs/benchmarks.md), much of it on the large-object heap.
/// </summary>
/// <remarks>
/// The gzip trailer's ISIZE (RFC 1952 §2.3.1: the last member's size modulo 2^32) is at most the decompressed size,
/// so an ISIZE over <c>max_recv_msg_size_mib</c> is refused before any byte is inflated, and the in-flight budget
/// takes it up front; for the usual single-member message it is the exact size, so the buffer is right the first time.
/// Past ISIZE (more members, or a trailer that lies) the buffer grows with the bytes, checked as they come.
/// </remarks>
internal sealed class GzipMessageInflater(long maxMessageBytes)
{
    private const int HeaderSize = 5;

    /// <summary>An empty uncompressed message: the body gRPC reads once the real one has been taken.</summary>
    private static readonly byte[] EmptyMessage = new byte[HeaderSize];

    /// <summary>
    /// Reads the request's gzip message of <paramref name="length"/> bytes from its body and decompresses it into a
    /// <see cref="InflatedMessage"/> request feature; the body gRPC goes on to read is then an empty uncompressed
    /// message. False, with nothing consumed, when the body ends before the message does (gRPC reports that).
    /// </summary>
    /// <exception cref="BodyTooLargeException">It decompresses to more than max_recv_msg_size_mib.</exception>
    /// <exception cref="InvalidDataException">It is not valid gzip.</exception>
    /// <exception cref="RequestOverBudgetException">It does not fit in the in-flight budget.</exception>
    public async Task<bool> TryInflateAsync(HttpContext context, int length, InFlightLease lease)
    {
        var reader = context.Request.BodyReader;
        var result = await reader.ReadAtLeastAsync(HeaderSize + length, context.RequestAborted);
        var frame = result.Buffer;
        if (frame.Length < HeaderSize + length)
        {
            reader.AdvanceTo(frame.Start, frame.End);
            return false;
        }
        var compressed = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            frame.Slice(HeaderSize, length).CopyTo(compressed);
            reader.AdvanceTo(frame.GetPosition(HeaderSize + length));
            var stated = StatedSize(compressed.AsSpan(0, length));
            if (stated > maxMessageBytes) throw new BodyTooLargeException(maxMessageBytes);
            DecodedBodyReader.Take(lease, stated);
            await using var gzip = new GZipStream(new MemoryStream(compressed, 0, length, writable: false), CompressionMode.Decompress);
            // One more than the stated size: the read that finds the end needs room, or the buffer would double for it.
            using var message = await DecodedBodyReader.ReadAsync(gzip, maxMessageBytes, stated > 0 ? (int)stated + 1 : DecodedBodyReader.ChunkSize, lease, context.RequestAborted);
            context.Features.Set(new InflatedMessage(message.ToArray()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
        context.Request.Body = new MemoryStream(EmptyMessage, writable: false);
        return true;
    }

    /// <summary>Deflate's largest expansion (zlib's technical notes: 1032 to 1): a larger ISIZE is no trailer at all.</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>The gzip trailer's ISIZE, or 0 when there can be none: bytes too short to hold one, or a size deflate cannot
    /// reach from these bytes (a message cut short ends in whatever it was cut at). The inflater then says what is wrong.</summary>
    private static long StatedSize(ReadOnlySpan<byte> gzip)
    {
        if (gzip.Length < 18) return 0;
        long stated = BinaryPrimitives.ReadUInt32LittleEndian(gzip[^4..]);
        return stated <= gzip.Length * MaxDeflateRatio ? stated : 0;
    }
}

/// <summary>A request's gRPC message decompressed by <see cref="GzipMessageInflater"/>: what the handler decodes
/// instead of the (then empty) message gRPC hands it.</summary>
internal sealed record InflatedMessage(byte[] Payload);
