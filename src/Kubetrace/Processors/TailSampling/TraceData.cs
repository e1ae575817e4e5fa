using System.Buffers.Binary;
using Kubetrace.Otlp.Proto.Common;
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

/// <summary>One buffered span with the resource and scope it came with (shared references, never copied).</summary>
internal readonly record struct BufferedSpan(ResourceSpans Resource, ScopeSpans Scope, Span Span);

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

    public ReadOnlySpan<byte> TraceIdBytes => Spans.Count > 0 ? Spans[0].Span.TraceId.Span : default;

    /// <summary>From the earliest start to the latest end, as the Collector's latency policy measures.</summary>
    public TimeSpan Duration
    {
        get
        {
            ulong start = ulong.MaxValue, end = 0;
            foreach (var buffered in Spans)
            {
                start = Math.Min(start, buffered.Span.StartTimeUnixNano);
                end = Math.Max(end, buffered.Span.EndTimeUnixNano);
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
            if (buffered.Resource.Resource is { } resource && Find(resource.Attributes, key) is { } onResource) yield return onResource;
            if (Find(buffered.Span.Attributes, key) is { } onSpan) yield return onSpan;
        }
    }
}

/// <summary>A trace's final decision and, when kept, the threshold to record in its spans' tracestate.</summary>
internal sealed record TraceDecision(bool Sampled, SamplingThreshold Threshold, ulong? Randomness);
