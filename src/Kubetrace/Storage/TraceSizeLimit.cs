using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Kubetrace.Otlp.Wire;

namespace Kubetrace.Storage;

/// <summary>
/// Tempo's <c>max_bytes_per_trace</c> on the way into a store (docs/storage.md, Bytes per trace; both stores, through
/// <see cref="TraceSizeGate"/>): each trace's
/// bytes are added up across requests, and the spans of a trace in a request that takes its total past the limit
/// are refused, all of them, before they reach the WAL; so are the trace's later parts while it stays known. As
/// Tempo's live-store (pkg/tracesizes), the total keeps growing with refused parts too, so a long-running trace stays
/// cut off, and a trace not seen since the previous head cut (ClickHouse: window) is forgotten at the next one.
/// </summary>
/// <remarks>
/// A trace's bytes are its spans' protobuf bytes as they arrive (each span field with its tag and length; the
/// resource and scope envelopes, shared by many traces, are not counted). The table is bounded: two generations
/// (touched since the last cut, and before it) of at most <c>maxTrackedTraces</c> each; a generation that fills up
/// early is rotated early, forgetting the traces least recently seen (each of which may then take up to the limit
/// again). At ~40 bytes per trace, the default bound (two × <c>max_head_spans</c>) is at most ~40 MB, reached only
/// when every span is a trace of its own. Thread-safe: appenders admit concurrently, the ingest loop rotates.
/// </remarks>
internal sealed class TraceSizeLimit(long maxBytesPerTrace, int maxTrackedTraces)
{
    private const int DetailedTraces = 3, MaxScratchTraces = 4096;

    [ThreadStatic] private static Dictionary<UInt128, (long Bytes, int Spans)>? t_parts;

    private readonly Lock _gate = new();
    private Dictionary<UInt128, long> _current = [];
    private Dictionary<UInt128, long> _previous = [];

    public long MaxBytesPerTrace => maxBytesPerTrace;

    /// <summary>Traces whose size is known now (both generations).</summary>
    public int TrackedTraces
    {
        get { lock (_gate) return _current.Count + _previous.Count; }
    }

    /// <summary>
    /// Adds the request's spans to their traces' totals and returns what may be stored: nothing to change when every
    /// trace stays within the limit, otherwise the request without the refused traces' spans and a sentence naming them.
    /// Within the limit (every append but a refusal) it allocates nothing.
    /// </summary>
    /// <exception cref="ProtobufFormatException">The request cannot be walked.</exception>
    public TraceAdmission Admit(ReadOnlyMemory<byte> request, int spanCount) => Admit(new OneSegment(request), spanCount);

    /// <summary>The same for a request in segments (a batch the batch processor merged: their concatenation is the
    /// request), each taken as it is, never joined; a refusal rewrites only the segments that hold a refused trace.</summary>
    public TraceAdmission Admit(IReadOnlyList<ReadOnlyMemory<byte>> segments, int spanCount) =>
        Admit<IReadOnlyList<ReadOnlyMemory<byte>>>(segments, spanCount);

    /// <remarks>Generic so that one request goes through as a struct (no list allocated per append) and a list without an
    /// enumerator; both by index.</remarks>
    private TraceAdmission Admit<TSegments>(TSegments segments, int spanCount) where TSegments : IReadOnlyList<ReadOnlyMemory<byte>>
    {
        var parts = t_parts ??= [];
        parts.Clear();
        for (var i = 0; i < segments.Count; i++)
        {
            var walker = new EncodedSpanWalker(segments[i].Span);
            while (walker.MoveNext(out var span, out var size))
            {
                ref var part = ref CollectionsMarshal.GetValueRefOrAddDefault(parts, Key(span), out _);
                part = (part.Bytes + size, part.Spans + 1);
            }
        }
        List<(UInt128 Trace, long Adding, long Total)>? refused = null;
        var refusedSpans = 0;
        lock (_gate)
        {
            foreach (var (trace, part) in parts)
            {
                var total = Add(trace, part.Bytes);
                if (total <= maxBytesPerTrace) continue;
                (refused ??= []).Add((trace, part.Bytes, total));
                refusedSpans += part.Spans;
            }
        }
        if (parts.Count > MaxScratchTraces) t_parts = null; // a request of very many traces does not pin its table to the thread
        if (refused is null) return new TraceAdmission(null, spanCount, 0, null);
        var kept = refusedSpans == spanCount ? [] : Kept(segments, refused.Select(r => r.Trace).ToHashSet());
        return new TraceAdmission(kept, spanCount - refusedSpans, refusedSpans, Message(refused, refusedSpans, spanCount));
    }

    /// <summary>What to store in place of the segments: a segment without a refused trace as it is (not copied), one
    /// with a refused trace rewritten without its spans, or left out when it has no other span.</summary>
    private static List<ReadOnlyMemory<byte>> Kept<TSegments>(TSegments segments, HashSet<UInt128> refused)
        where TSegments : IReadOnlyList<ReadOnlyMemory<byte>>
    {
        var kept = new List<ReadOnlyMemory<byte>>(segments.Count);
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var (keptSpans, refusedSpans) = (0, 0);
            var walker = new EncodedSpanWalker(segment.Span);
            while (walker.MoveNext(out var span, out _))
                if (refused.Contains(Key(span))) refusedSpans++;
                else keptSpans++;
            if (refusedSpans == 0) kept.Add(segment);
            else if (keptSpans > 0) kept.Add(EncodedSpanRewriter.Rewrite(segment.Span, span => refused.Contains(Key(span)) ? null : span.ToArray()));
        }
        return kept;
    }

    /// <summary>Takes back what an admission let through that could not be stored (the WAL refused it), so that the
    /// client's retry is counted once: in whichever generation the trace is now (a head cut may have come in between).</summary>
    public void GiveBack(IReadOnlyList<ReadOnlyMemory<byte>> admitted)
    {
        lock (_gate)
        {
            foreach (var segment in admitted)
            {
                var walker = new EncodedSpanWalker(segment.Span);
                while (walker.MoveNext(out var span, out var size))
                {
                    var trace = Key(span);
                    var generation = _current.ContainsKey(trace) ? _current : _previous;
                    if (generation.TryGetValue(trace, out var total)) generation[trace] = Math.Max(0, total - size);
                }
            }
        }
    }

    /// <summary>At a head cut (the embedded store) or at the end of a window of time (ClickHouse, which has no head): the
    /// traces not seen since the previous call are forgotten.</summary>
    public void ForgetUnseen()
    {
        lock (_gate) Rotate();
    }

    private long Add(UInt128 trace, long bytes)
    {
        if (_current.Count >= maxTrackedTraces && !_current.ContainsKey(trace)) Rotate();
        ref var total = ref CollectionsMarshal.GetValueRefOrAddDefault(_current, trace, out var known);
        if (!known && _previous.Remove(trace, out var before)) total = before;
        total += bytes;
        return total;
    }

    private void Rotate()
    {
        _previous = _current;
        _current = [];
    }

    /// <summary>Tempo's TRACE_TOO_LARGE sentence for the first few refused traces, and the key to raise.</summary>
    private string Message(List<(UInt128 Trace, long Adding, long Total)> refused, int refusedSpans, int spanCount)
    {
        var message = new StringBuilder();
        message.Append(refusedSpans).Append(" of ").Append(spanCount).Append(spanCount == 1 ? " span" : " spans")
            .Append(" refused: TRACE_TOO_LARGE: max size of trace (").Append(maxBytesPerTrace).Append(") exceeded while adding ");
        for (var i = 0; i < Math.Min(DetailedTraces, refused.Count); i++)
        {
            if (i > 0) message.Append(", ");
            message.Append(refused[i].Adding).Append(" bytes to trace ").Append(Hex(refused[i].Trace));
        }
        if (refused.Count > DetailedTraces) message.Append(" and ").Append(refused.Count - DetailedTraces).Append(" more traces");
        return message.Append(" (max_bytes_per_trace)").ToString();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt128 Key(ReadOnlySpan<byte> span)
    {
        var id = EncodedSpanWalker.TraceId(span);
        if (id.Length == 16) return BinaryPrimitives.ReadUInt128BigEndian(id);
        Span<byte> padded = stackalloc byte[16];
        id[..Math.Min(id.Length, 16)].CopyTo(padded);
        return BinaryPrimitives.ReadUInt128BigEndian(padded);
    }

    /// <summary>One request as a list of one segment, without allocating one.</summary>
    private readonly struct OneSegment(ReadOnlyMemory<byte> request) : IReadOnlyList<ReadOnlyMemory<byte>>
    {
        public int Count => 1;

        public ReadOnlyMemory<byte> this[int index] => index == 0 ? request : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<ReadOnlyMemory<byte>> GetEnumerator() => ((IEnumerable<ReadOnlyMemory<byte>>)[request]).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static string Hex(UInt128 trace)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, trace);
        return Convert.ToHexStringLower(bytes);
    }
}

/// <summary>What <see cref="TraceSizeLimit.Admit"/> lets into the store.</summary>
/// <param name="Kept">Null when nothing was refused: the request is stored as given. Otherwise the spans to store in its
/// place, as segments whose concatenation is the request (none when every span was refused).</param>
/// <param name="Message">The partial_success sentence; null when nothing was refused.</param>
internal readonly record struct TraceAdmission(IReadOnlyList<ReadOnlyMemory<byte>>? Kept, int Spans, int RefusedSpans, string? Message);
