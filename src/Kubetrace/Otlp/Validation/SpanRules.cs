using System.Runtime.CompilerServices;

namespace Kubetrace.Otlp.Validation;

/// <summary>
/// The rules a span must meet to be accepted, written once over raw fields so that the wire scanner and the
/// object-model filter cannot disagree.
/// </summary>
/// <remarks>
/// From the OTLP specification: trace_id is 16 bytes and not all zero, span_id is 8 bytes and not all zero,
/// parent_span_id is empty (a root span) or 8 bytes, and a span does not end before it starts. Kubetrace adds: times fit a signed 64-bit nanosecond count. An all-zero
/// parent_span_id is tolerated: some exporters send it for root spans.
/// </remarks>
public static class SpanRules
{
    public const int TraceIdLength = 16;
    public const int SpanIdLength = 8;

    /// <summary>The latest time a span may carry: 2^63 - 1 ns (2262-04-11). The store and every API keep times as
    /// signed 64-bit nanoseconds; a later one would read back as a negative time.</summary>
    public const ulong LatestTime = long.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SpanProblem Check(ReadOnlySpan<byte> traceId, ReadOnlySpan<byte> spanId, ReadOnlySpan<byte> parentSpanId,
        ulong startTimeUnixNano, ulong endTimeUnixNano)
    {
        if (traceId.Length != TraceIdLength) return SpanProblem.TraceIdLength;
        if (!traceId.ContainsAnyExcept((byte)0)) return SpanProblem.TraceIdZero;
        if (spanId.Length != SpanIdLength) return SpanProblem.SpanIdLength;
        if (!spanId.ContainsAnyExcept((byte)0)) return SpanProblem.SpanIdZero;
        if (parentSpanId.Length is not (0 or SpanIdLength)) return SpanProblem.ParentSpanIdLength;
        if (endTimeUnixNano < startTimeUnixNano) return SpanProblem.EndBeforeStart;
        if (endTimeUnixNano > LatestTime) return SpanProblem.TimeOutOfRange;
        return SpanProblem.None;
    }

    /// <summary>A sentence for the partial-success message, e.g. <c>trace_id must be 16 bytes, got 3</c>.</summary>
    public static string Describe(SpanProblem problem, int traceIdLength, int spanIdLength, int parentSpanIdLength,
        ulong startTimeUnixNano, ulong endTimeUnixNano) => problem switch
    {
        SpanProblem.TraceIdLength => $"trace_id must be {TraceIdLength} bytes, got {traceIdLength}",
        SpanProblem.TraceIdZero => "trace_id must not be all zero",
        SpanProblem.SpanIdLength => $"span_id must be {SpanIdLength} bytes, got {spanIdLength}",
        SpanProblem.SpanIdZero => "span_id must not be all zero",
        SpanProblem.ParentSpanIdLength => $"parent_span_id must be empty or {SpanIdLength} bytes, got {parentSpanIdLength}",
        SpanProblem.EndBeforeStart =>
            $"end_time_unix_nano {endTimeUnixNano} is before start_time_unix_nano {startTimeUnixNano}",
        SpanProblem.TimeOutOfRange =>
            $"end_time_unix_nano {endTimeUnixNano} is after {LatestTime} (2262-04-11), the latest time that can be stored",
        _ => "valid",
    };
}
