namespace Kubetrace.Otlp.Validation;

/// <summary>Why a span is refused (the first rule it breaks, in the order of <see cref="SpanRules.Check"/>).</summary>
public enum SpanProblem : byte
{
    None,
    TraceIdLength,
    TraceIdZero,
    SpanIdLength,
    SpanIdZero,
    ParentSpanIdLength,
    EndBeforeStart,
    TimeOutOfRange,
}
