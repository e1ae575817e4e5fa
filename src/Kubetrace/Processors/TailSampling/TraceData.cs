using System.Buffers.Binary;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.Sampling;

namespace Kubetrace.Processors.TailSampling;

/// <summary>A trace ID as two numbers: a dictionary key without a string or array per span.</summary>
internal readonly record struct TraceKey(ulong High, ulong Low)
{
    public static TraceKey Of(ReadOnlySpan<byte> traceId) => traceId.Length == 16
        ? new TraceKey(BinaryPrimitives.ReadUInt64BigEndian(traceId), BinaryPrimitives.ReadUInt64BigEndian(traceId[8..]))
        : default;
}

/// <summary>
/// One buffered span as its encoding with the resource and scope group it came in: a slice of the received request
/// while it is being split, then a copy in the processor's <see cref="SpanArena"/> while it waits (<see cref="Slab"/>).
/// Its singular fields are read once, when it is split (<see cref="Fields"/>); the hot policies read its attributes
/// and events from the bytes (<see cref="Wire"/>); a policy that needs span objects decodes them through
/// <see cref="TraceData.Decoded"/>, on the decision loop.
/// </summary>
/// <remarks>A struct, stored inline in its trace's list: no object per buffered span for the collector to trace.</remarks>
internal readonly struct BufferedSpan
{
    public BufferedSpan(ScopeGroup group, ReadOnlyMemory<byte> encoded)
        : this(group, encoded, SpanFields.Read(encoded.Span), null)
    {
    }

    private BufferedSpan(ScopeGroup group, ReadOnlyMemory<byte> encoded, SpanFields fields, Slab? slab)
    {
        Group = group;
        Encoded = encoded;
        Fields = fields;
        Slab = slab;
    }

    public ScopeGroup Group { get; }

    public ReadOnlyMemory<byte> Encoded { get; }

    public SpanFields Fields { get; }

    /// <summary>The arena slab its bytes are in; null for a slice of a request (a late span forwarded at once).</summary>
    public Slab? Slab { get; }

    public ReadOnlySpan<byte> TraceId => Encoded.Span.Slice(Fields.TraceIdStart, Fields.TraceIdLength);

    public ReadOnlySpan<byte> TraceState => Encoded.Span.Slice(Fields.TraceStateStart, Fields.TraceStateLength);

    public ReadOnlySpan<byte> Name => Encoded.Span.Slice(Fields.NameStart, Fields.NameLength);

    public EncodedSpan Wire => new(Encoded.Span);

    /// <summary>The decoded resource it came with (null when none), decoded once per group.</summary>
    public Resource? Resource => Group.Resource.Resource;

    /// <summary>The same span with its bytes at <paramref name="copy"/> in <paramref name="slab"/> (the fields' offsets stay valid).</summary>
    public BufferedSpan In(Slab slab, ReadOnlyMemory<byte> copy) => new(Group, copy, Fields, slab);
}

/// <summary>What the processor holds for one trace: its spans until the decision, then the decision for late spans.</summary>
internal sealed class TraceData(TraceKey key, long arrival, List<BufferedSpan> spans)
{
    public TraceKey Key { get; } = key;

    /// <summary>TimeProvider timestamp of the first span.</summary>
    public long Arrival { get; } = arrival;

    /// <summary>Spans waiting for the decision; handed to the decision loop (and replaced by an empty list) when
    /// it starts deciding (by <see cref="SpanListPool.None"/>), so that spans arriving meanwhile are not lost and the loop reads a list no one writes.</summary>
    public List<BufferedSpan> Spans
    {
        get => _spans;
        set
        {
            _spans = value;
            _decoded = null;
        }
    }

    private List<BufferedSpan> _spans = spans;

    /// <summary>The encoded bytes of <see cref="Spans"/> (what the processor's byte bound counts).</summary>
    public long Bytes { get; set; }

    /// <summary>Removed from memory before its decision (num_traces exceeded).</summary>
    public bool Evicted { get; set; }

    private Span?[]? _decoded;

    /// <summary>Span <paramref name="index"/> of <see cref="Spans"/> decoded, once per trace view (only the policies that
    /// need objects ask: attribute, OTTL). Read-only: the bytes are what is forwarded.</summary>
    public Span Decoded(int index)
    {
        _decoded ??= new Span?[Spans.Count];
        return _decoded[index] ??= Span.Parser.ParseFrom(Spans[index].Encoded.Span);
    }

    /// <summary>Null while pending.</summary>
    public TraceDecision? Decision { get; set; }

    public ReadOnlySpan<byte> TraceIdBytes => Spans.Count > 0 ? Spans[0].TraceId : default;

    /// <summary>From the earliest start to the latest end, as the Collector's latency policy measures.</summary>
    public TimeSpan Duration
    {
        get
        {
            ulong start = ulong.MaxValue, end = 0;
            foreach (var buffered in Spans)
            {
                start = Math.Min(start, buffered.Fields.StartTimeUnixNano);
                end = Math.Max(end, buffered.Fields.EndTimeUnixNano);
            }
            return end > start ? TimeSpan.FromTicks((long)((end - start) / 100)) : TimeSpan.Zero;
        }
    }

    public static AnyValue? Find(IEnumerable<KeyValue> attributes, string key)
    {
        foreach (var attribute in attributes)
            if (attribute.Key == key) return attribute.Value;
        return null;
    }

    /// <summary>Every value of <paramref name="key"/> in the trace: on resources first, then on spans.</summary>
    public IEnumerable<AnyValue> Values(string key)
    {
        for (var i = 0; i < Spans.Count; i++)
        {
            if (Spans[i].Resource is { } resource && Find(resource.Attributes, key) is { } onResource) yield return onResource;
            if (Find(Decoded(i).Attributes, key) is { } onSpan) yield return onSpan;
        }
    }
}

/// <summary>A trace's final decision and, when kept, the threshold to record in its spans' tracestate.</summary>
internal sealed record TraceDecision(bool Sampled, SamplingThreshold Threshold, ulong? Randomness)
{
    /// <summary>Kept by a deterministic policy (probability 1): one instance, so the forwarded spans' tracestate is made once per request.</summary>
    public static TraceDecision KeptAlways { get; } = new(true, SamplingThreshold.Always, null);

    public static TraceDecision NotSampled { get; } = new(false, SamplingThreshold.Always, null);
}
