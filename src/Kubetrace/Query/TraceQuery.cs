using Kubetrace.Storage;

namespace Kubetrace.Query;

/// <summary>
/// One search, whatever API it came from: conditions that must all hold on one span, a time range on span start,
/// how many traces and how many matching spans per trace to return. Each API has its own parser producing this;
/// the <see cref="QueryEngine"/> is the only code that runs it.
/// </summary>
public sealed record TraceQuery(TimeRange Range, IReadOnlyList<QueryCondition> Conditions, int Limit)
{
    /// <summary>Matching spans to keep per trace (Tempo's <c>spss</c>); all matches are still counted.</summary>
    public int SpansPerTrace { get; init; } = 3;

    /// <summary>Bounds on the whole trace's duration (Tempo's minDuration/maxDuration), checked on summaries.</summary>
    public TimeSpan? MinTraceDuration { get; init; }

    public TimeSpan? MaxTraceDuration { get; init; }

    /// <summary>Keep every span of each found trace in <see cref="FoundTrace.Spans"/> (Jaeger's search answers
    /// whole traces); otherwise only the matching spans are kept, and the answer holds far less.</summary>
    public bool WholeTraces { get; init; }

    public bool AcceptsTraceDuration(long durationNanos) =>
        (MinTraceDuration is not { } min || durationNanos >= min.Ticks * 100) &&
        (MaxTraceDuration is not { } max || durationNanos <= max.Ticks * 100);

    /// <summary>The most traces one search may return (bounds memory and time of a single request).</summary>
    public const int MaxLimit = 10_000;
}

/// <summary>
/// A storage condition plus how widely the engine looks for an attribute. <see cref="Everywhere"/> is Jaeger's
/// tag semantics: a tag is found in the span's attributes, its resource (process), its scope, its events (logs)
/// or its links, and among the tags Jaeger derives from OTLP fields (<c>error</c>, <c>span.kind</c>,
/// <c>otel.status_code</c>, <c>otel.scope.name</c>). Storage only pushes down span and resource attributes, so
/// such a condition is pushed down as a span-or-resource condition first and evaluated by the engine alone when
/// that does not fill the limit (see <see cref="QueryEngine"/>).
/// </summary>
public sealed record QueryCondition(Condition Condition, bool Everywhere = false)
{
    public static implicit operator QueryCondition(Condition condition) => new(condition);

    public override string ToString() => Everywhere ? $"{Condition} (everywhere)" : Condition.ToString();
}
