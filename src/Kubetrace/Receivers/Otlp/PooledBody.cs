using Kubetrace.Storage;

namespace Kubetrace.Receivers.Otlp;

/// <summary>A request body in a buffer rented from <see cref="IngestBuffers"/>; dispose to return it.</summary>
internal sealed class PooledBody(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, length);

    /// <summary>An exact-size copy the caller may keep (for a batch that outlives the request).</summary>
    public byte[] ToArray()
    {
        // Not zeroed first: the copy overwrites every byte.
        var copy = GC.AllocateUninitializedArray<byte>(length);
        Span.CopyTo(copy);
        return copy;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } rented) IngestBuffers.Shared.Return(rented);
    }
}
