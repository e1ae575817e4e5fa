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
/// One buffered span as its encoding (a slice of the received request, never copied) with the resource and scope
/// group it came in. Its singular fields are read once, when it is buffered (<see cref="Fields"/>); the hot policies
/// read its attributes and events from the bytes (<see cref="Wire"/>); the span object is decoded only for a policy
/// that needs it (attribute, OTTL and trace_state policies), on the decision loop.
/// </summary>
internal sealed class BufferedSpan(ScopeGroup group, ReadOnlyMemory<byte> encoded)
{
    private Span? _span;

    public ScopeGroup Group { get; } = group;

    public ReadOnlyMemory<byte> Encoded { get; } = encoded;

    public SpanFields Fields { get; } = SpanFields.Read(encoded.Span);

    public ReadOnlySpan<byte> TraceId => Encoded.Span.Slice(Fields.TraceIdStart, Fields.TraceIdLength);

    public ReadOnlySpan<byte> TraceState => Encoded.Span.Slice(Fields.TraceStateStart, Fields.TraceStateLength);

    public ReadOnlySpan<byte> Name => Encoded.Span.Slice(Fields.NameStart, Fields.NameLength);

    public EncodedSpan Wire => new(Encoded.Span);

    /// <summary>The decoded span, decoded on first use. Read-only (it is never forwarded; the bytes are).</summary>
    public Span Span => _span ??= Span.Parser.ParseFrom(Encoded.Span);

    /// <summary>The decoded resource it came with (null when none).</summary>
    public Resource? Resource => Group.Resource.Resource;
}

/// <summary>What the processor holds for one trace: its spans until the decision, then the decision for late spans.</summary>
internal sealed class TraceData(TraceKey key, long arrival)
{
    public TraceKey Key { get; } = key;

    /// <summary>TimeProvider timestamp of the first span.</summary>
    public long Arrival { get; } = arrival;

    /// <summary>Spans waiting for the decision; handed to the decision loop (and replaced by an empty list) when
    /// it starts deciding, so that spans arriving meanwhile are not lost and the loop reads a list no one writes.</summary>
    public List<BufferedSpan> Spans { get; set; } = [];

    /// <summary>Removed from memory before its decision (num_traces exceeded).</summary>
    public bool Evicted { get; set; }

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
        foreach (var buffered in Spans)
        {
            if (buffered.Resource is { } resource && Find(resource.Attributes, key) is { } onResource) yield return onResource;
            if (Find(buffered.Span.Attributes, key) is { } onSpan) yield return onSpan;
        }
    }
}

/// <summary>A trace's final decision and, when kept, the threshold to record in its spans' tracestate.</summary>
internal sealed record TraceDecision(bool Sampled, SamplingThreshold Threshold, ulong? Randomness);
