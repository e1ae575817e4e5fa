using Kubetrace.Receivers.Otlp.Admission;
using Kubetrace.Storage;

namespace Kubetrace.Receivers.Otlp;

/// <summary>
/// Reads a request's decoded (decompressed) bytes into one pooled buffer, enforcing the size limit and the in-flight
/// budget while they are read: a gzip bomb stops at the limit, having used at most that much memory. Shared by
/// OTLP/HTTP bodies and compressed OTLP/gRPC messages (<see cref="Grpc.GzipMessageInflater"/>).
/// </summary>
internal static class DecodedBodyReader
{
    /// <summary>The first buffer when the decoded size is not known, and the step past the limit a read may take.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>Reads <paramref name="source"/> to its end into a pooled buffer that grows by doubling, never past
    /// <paramref name="limit"/> + one chunk; every byte kept is first taken from <paramref name="lease"/>.</summary>
    /// <exception cref="BodyTooLargeException">More than <paramref name="limit"/> bytes.</exception>
    /// <exception cref="InvalidDataException">The compressed source is corrupt.</exception>
    /// <exception cref="RequestOverBudgetException">The bytes read so far do not fit in the in-flight budget.</exception>
    public static async ValueTask<PooledBody> ReadAsync(Stream source, long limit, int initialSize, InFlightLease lease,
        CancellationToken cancellationToken)
    {
        var buffer = IngestBuffers.Shared.Rent(initialSize);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = IngestBuffers.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + ChunkSize));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    IngestBuffers.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await source.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    var body = new PooledBody(buffer, length);
                    buffer = null;
                    return body;
                }
                length += read;
                if (length > limit) throw new BodyTooLargeException(limit);
                Take(lease, length);
            }
        }
        finally
        {
            if (buffer is not null) IngestBuffers.Shared.Return(buffer);
        }
    }

    /// <summary>Makes <paramref name="lease"/> hold <paramref name="total"/> bytes, or throws.</summary>
    /// <exception cref="RequestOverBudgetException">They do not fit in the in-flight budget.</exception>
    public static void Take(InFlightLease lease, long total)
    {
        if (!lease.TryGrowTo(total)) throw new RequestOverBudgetException(lease);
    }
}
