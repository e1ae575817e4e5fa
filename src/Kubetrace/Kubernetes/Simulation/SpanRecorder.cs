using System.Buffers.Binary;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Trace;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A span being written: its context (always) and its OTLP message (only when sampled: an unsampled span costs an
/// ID and nothing else, as a non-recording span does in the Go SDK).
/// </summary>
internal readonly record struct OpenSpan(SimulatedSpanContext Context, Span? Proto, SimulatedComponent Component, SimulatedScope Scope)
{
    public bool Recording => Proto is not null;

    public long Start => (long)(Proto?.StartTimeUnixNano ?? 0);
}

/// <summary>
/// Starts and ends spans with the samplers' semantics and hands ended, sampled spans to the batches. Only place
/// that creates IDs, so the sequence of random draws (and so the output) depends only on the seed and options.
/// </summary>
internal sealed class SpanRecorder(SimRandom random, SpanBatcher batches, TraceIdKey traceIdKey)
{
    private const uint SampledLocalParent = 0x101; // sampled, and "parent is not remote" known (the Go SDK's flags)
    private const uint SampledRemoteParent = 0x301;

    public SimRandom Random => random;

    public SimulatedTraceId NewTrace() => traceIdKey.Apply(random.NextId(), random.NextId());

    /// <summary>A root span of a new trace, sampled by <paramref name="sampler"/> (the ratio half of ParentBased).</summary>
    public OpenSpan Root(SimulatedComponent component, SimulatedScope scope, string name, SpanKind kind, long start,
        TraceIdRatioSampler sampler)
    {
        var trace = NewTrace();
        return Open(trace, ByteString.Empty, sampler.ShouldSample(trace.Low), SampledLocalParent, component, scope, name, kind, start);
    }

    /// <summary>A child recorded when its parent was (ParentBased); <paramref name="remote"/> when the parent is in another process.</summary>
    public OpenSpan Child(in SimulatedSpanContext parent, bool remote, SimulatedComponent component, SimulatedScope scope,
        string name, SpanKind kind, long start) =>
        Open(parent.Trace, parent.SpanId, parent.Sampled, remote ? SampledRemoteParent : SampledLocalParent, component, scope, name, kind, start);

    /// <summary>A child of a remote parent sampled by trace-ID ratio alone, ignoring the parent (containerd 1.6).</summary>
    public OpenSpan ChildByRatio(in SimulatedSpanContext parent, TraceIdRatioSampler sampler, SimulatedComponent component,
        SimulatedScope scope, string name, SpanKind kind, long start) =>
        Open(parent.Trace, parent.SpanId, sampler.ShouldSample(parent.Trace.Low), SampledRemoteParent, component, scope, name, kind, start);

    /// <summary>Ends a span; a recording one goes to its component's next export.</summary>
    public void End(in OpenSpan span, long end, string? error = null)
    {
        if (span.Proto is not { } proto) return;
        proto.EndTimeUnixNano = (ulong)end;
        if (error is not null)
            proto.Status = new Status { Code = Status.Types.StatusCode.Error, Message = error };
        if (proto.ParentSpanId.IsEmpty) span.Component.Traces++;
        batches.Add(span.Component, span.Scope, proto);
    }

    /// <summary>Links a span to another trace's span context (the W3C caller the apiserver did not adopt as parent).</summary>
    public static void Link(in OpenSpan span, in SimulatedSpanContext to) =>
        span.Proto?.Links.Add(new Span.Types.Link
        {
            TraceId = to.Trace.Bytes,
            SpanId = to.SpanId,
            Flags = 0x300u | (to.Sampled ? 1u : 0u),
        });

    private OpenSpan Open(SimulatedTraceId trace, ByteString parent, bool sampled, uint flags, SimulatedComponent component,
        SimulatedScope scope, string name, SpanKind kind, long start)
    {
        var id = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(id, random.NextId());
        var context = new SimulatedSpanContext(trace, UnsafeByteOperations.UnsafeWrap(id), sampled);
        var proto = sampled
            ? new Span
            {
                TraceId = trace.Bytes,
                SpanId = context.SpanId,
                ParentSpanId = parent,
                Name = name,
                Kind = kind,
                Flags = flags,
                StartTimeUnixNano = (ulong)start,
            }
            : null;
        return new OpenSpan(context, proto, component, scope);
    }
}
