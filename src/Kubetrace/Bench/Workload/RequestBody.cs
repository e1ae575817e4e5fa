using System.Buffers.Binary;
using System.IO.Compression;

namespace Kubetrace.Bench.Workload;

/// <summary>
/// One encoded request owned by one generator worker, rewritten in place before each send so that every send
/// carries new trace and span IDs and current timestamps while the rest of the bytes stay as encoded.
/// </summary>
/// <remarks>
/// IDs are XORed with a per-send salt: spans of one trace still share a trace ID and parent links still point at
/// their parents (every ID of the request moves by the same bijection), and two sends with different salts share
/// no ID. Times are shifted by the time elapsed since the template was built. Both cost a few microseconds for
/// 500 spans, against hundreds for encoding. A worker must not refresh a body while a send of it is in flight.
/// </remarks>
internal sealed class RequestBody
{
    private readonly int[] _traceIds;
    private readonly int[] _spanIds;
    private readonly int[] _times;
    private readonly long _templateTimeNanos;
    private ulong _salt;
    private long _shift;
    private MemoryStream? _gzipScratch;

    public RequestBody(byte[] template, PatchMap map, long templateTimeNanos)
    {
        Bytes = (byte[])template.Clone();
        SpanCount = map.SpanCount;
        _traceIds = [.. map.TraceIds];
        _spanIds = [.. map.SpanIds];
        _times = [.. map.Times];
        _templateTimeNanos = templateTimeNanos;
    }

    /// <summary>A body sent as encoded and never refreshed: its IDs and times are already the ones to send (the simulator's).</summary>
    public RequestBody(byte[] encoded, int spanCount)
    {
        Bytes = encoded;
        SpanCount = spanCount;
        _traceIds = _spanIds = _times = [];
    }

    /// <summary>The encoded ExportTraceServiceRequest (exact length).</summary>
    public byte[] Bytes { get; }

    public int SpanCount { get; }

    /// <summary>Gives the body fresh IDs (from <paramref name="salt"/>, never 0) and times around <paramref name="nowNanos"/>.</summary>
    public void Refresh(ulong salt, long nowNanos)
    {
        var bytes = Bytes.AsSpan();
        var idDelta = salt ^ _salt;
        // The low half of a trace ID is what W3C and ratio samplers treat as random: vary that half.
        foreach (var offset in _traceIds)
            Xor(bytes.Slice(offset + 8, 8), idDelta);
        foreach (var offset in _spanIds)
            Xor(bytes.Slice(offset, 8), idDelta);
        var shift = nowNanos - _templateTimeNanos;
        var timeDelta = (ulong)(shift - _shift);
        foreach (var offset in _times)
        {
            var time = bytes.Slice(offset, 8);
            BinaryPrimitives.WriteUInt64LittleEndian(time, BinaryPrimitives.ReadUInt64LittleEndian(time) + timeDelta);
        }
        _salt = salt;
        _shift = shift;
    }

    /// <summary>Gzips the current bytes into a buffer reused by this body; valid until the next call.</summary>
    public ArraySegment<byte> Gzip()
    {
        var scratch = _gzipScratch ??= new MemoryStream(Bytes.Length / 2);
        scratch.SetLength(0);
        using (var gzip = new GZipStream(scratch, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(Bytes);
        return new ArraySegment<byte>(scratch.GetBuffer(), 0, (int)scratch.Length);
    }

    private static void Xor(Span<byte> value, ulong delta) =>
        BinaryPrimitives.WriteUInt64LittleEndian(value, BinaryPrimitives.ReadUInt64LittleEndian(value) ^ delta);
}
