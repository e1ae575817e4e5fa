using Google.Protobuf;
using Kubetrace.Otlp.Proto.Trace;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Bench.Workload;

/// <summary>A span of the mix and the component (resource) and instrumentation scope that emitted it.</summary>
internal readonly record struct DraftSpan(K8sComponent Component, string Scope, Span Span);

/// <summary>
/// Collects the spans of the traces the shapes write: gives each trace an ID, each span an ID, a parent link and
/// times nested inside its parent, and remembers the last outgoing client call so that the next apiserver request
/// can link to it (the apiserver starts its own trace and links to the caller's span).
/// </summary>
internal sealed class TraceWriter(ClusterVocabulary vocabulary, long baseTimeNanos)
{
    private ByteString _traceId = ByteString.Empty;
    private ulong _traceStart;

    public ClusterVocabulary Vocabulary => vocabulary;

    public List<DraftSpan> Spans { get; } = [];

    /// <summary>The last client span that called the apiserver, waiting to be linked from the apiserver's trace.</summary>
    public Span? PendingCaller { get; set; }

    public void BeginTrace()
    {
        _traceId = RandomId(16);
        // Spread the traces of one request over the second before the base time, as a batching exporter would.
        _traceStart = (ulong)(baseTimeNanos - vocabulary.Random.NextInt64(0, 1_000_000_000));
    }

    /// <summary>
    /// Adds a span that starts <paramref name="offsetNanos"/> after its parent's start (or the trace's start for a
    /// root) and lasts <paramref name="durationNanos"/>.
    /// </summary>
    public Span Add(K8sComponent component, string scope, string name, SpanKind kind, Span? parent,
        long offsetNanos, long durationNanos)
    {
        var start = (parent?.StartTimeUnixNano ?? _traceStart) + (ulong)offsetNanos;
        var span = new Span
        {
            TraceId = _traceId,
            SpanId = RandomId(8),
            ParentSpanId = parent?.SpanId ?? ByteString.Empty,
            Name = name,
            Kind = kind,
            Flags = 0x101, // sampled, and the context-has-is-remote bit the Go SDK sets
            StartTimeUnixNano = start,
            EndTimeUnixNano = start + (ulong)durationNanos,
        };
        Spans.Add(new DraftSpan(component, scope, span));
        return span;
    }

    /// <summary>Links a span to a caller's span context (trace ID and span ID of another trace).</summary>
    public void LinkTo(Span span, Span caller) =>
        span.Links.Add(new Span.Types.Link { TraceId = caller.TraceId, SpanId = caller.SpanId, Flags = 0x301 });

    /// <summary>Links a span to a caller outside the mix (a client whose spans are not in the data).</summary>
    public void LinkToExternalCaller(Span span) =>
        span.Links.Add(new Span.Types.Link { TraceId = RandomId(16), SpanId = RandomId(8), Flags = 0x301 });

    public static void Fail(Span span, string message) =>
        span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = message };

    private ByteString RandomId(int length)
    {
        Span<byte> id = stackalloc byte[length];
        vocabulary.Random.NextBytes(id);
        id[0] |= 1; // never all zero: zero IDs are invalid and a receiver would reject the span
        return ByteString.CopyFrom(id);
    }
}
