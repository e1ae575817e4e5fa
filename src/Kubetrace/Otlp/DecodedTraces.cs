using Kubetrace.Pipeline;

namespace Kubetrace.Otlp;

/// <summary>The outcome of decoding one export request: what goes on, and what was refused with which message.</summary>
/// <param name="Batch">The spans to hand on; null when none are left (empty request, or every span refused).</param>
/// <param name="RejectedSpans">Spans dropped by validation (reported through partial_success).</param>
/// <param name="ErrorMessage">The partial_success message; null when nothing was rejected.</param>
public readonly record struct DecodedTraces(TraceBatch? Batch, int RejectedSpans, string? ErrorMessage)
{
    public int AcceptedSpans => Batch?.SpanCount ?? 0;
}
