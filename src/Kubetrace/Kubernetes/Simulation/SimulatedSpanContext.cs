using Google.Protobuf;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A trace ID, made once per trace and shared by its spans (and by links to it); <see cref="Low"/> is the half the
/// ratio sampler reads.
/// </summary>
internal sealed class SimulatedTraceId
{
    public SimulatedTraceId(ulong high, ulong low)
    {
        Low = low;
        var bytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, high);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), low);
        Bytes = UnsafeByteOperations.UnsafeWrap(bytes);
    }

    public ulong Low { get; }

    public ByteString Bytes { get; }
}

/// <summary>
/// What a component propagates (W3C traceparent): the trace, the span and the sampled flag. Unsampled spans still
/// have a context, as in the Go SDK, so that children can decide from it (ParentBased) and links can point at it.
/// </summary>
internal readonly record struct SimulatedSpanContext(SimulatedTraceId Trace, ByteString SpanId, bool Sampled);
