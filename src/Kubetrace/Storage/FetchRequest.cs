namespace Kubetrace.Storage;

/// <summary>Where a condition looks: a span attribute, a resource attribute, either, or a span intrinsic.</summary>
public enum AttributeScope { Span, Resource, Any, Intrinsic }

/// <summary>The span fields a condition can test besides attributes.</summary>
public enum Intrinsic { None, Service, Name, Kind, Status, Duration, EventName }

public enum ConditionOp { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual, Regex, Exists }

/// <summary>
/// One test on a span, as plain data: <c>{scope}.{key} {op} {value}</c>. Values are compared as text, or as
/// numbers when both sides parse as numbers (durations in nanoseconds; kind and status by their OTLP names,
/// e.g. "server", "error").
/// </summary>
public sealed record Condition(AttributeScope Scope, string Key, ConditionOp Op, string? Value = null)
{
    public Intrinsic Intrinsic => Scope == AttributeScope.Intrinsic ? IntrinsicNames.Parse(Key) : Intrinsic.None;

    public static Condition Attribute(string key, string value, AttributeScope scope = AttributeScope.Any) =>
        new(scope, key, ConditionOp.Equal, value);

    public static Condition Service(string name) => new(AttributeScope.Intrinsic, "service", ConditionOp.Equal, name);

    public static Condition SpanName(string name) => new(AttributeScope.Intrinsic, "name", ConditionOp.Equal, name);

    public static Condition MinDuration(TimeSpan min) => new(AttributeScope.Intrinsic, "duration",
        ConditionOp.GreaterOrEqual, ((long)(min.Ticks * 100)).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static Condition MaxDuration(TimeSpan max) => new(AttributeScope.Intrinsic, "duration",
        ConditionOp.LessOrEqual, ((long)(max.Ticks * 100)).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public override string ToString() => $"{Scope.ToString().ToLowerInvariant()}.{Key} {Op} {Value}";
}

internal static class IntrinsicNames
{
    public static Intrinsic Parse(string key) => key switch
    {
        "service" or "service.name" or "resource.service.name" => Intrinsic.Service,
        "name" => Intrinsic.Name,
        "kind" => Intrinsic.Kind,
        "status" => Intrinsic.Status,
        "duration" => Intrinsic.Duration,
        "event:name" => Intrinsic.EventName,
        _ => Intrinsic.None,
    };
}

/// <summary>A half-open range of Unix nanoseconds [Start, End).</summary>
public readonly record struct TimeRange(long StartUnixNano, long EndUnixNano)
{
    public static TimeRange All => new(0, long.MaxValue);

    public static TimeRange Last(TimeSpan span, DateTimeOffset now) =>
        new(ToNanos(now - span), ToNanos(now) + 1);

    public static long ToNanos(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    public bool Overlaps(long start, long end) => start < EndUnixNano && end >= StartUnixNano;

    public bool Contains(long time) => time >= StartUnixNano && time < EndUnixNano;
}

/// <summary>
/// What the query engine asks storage for: traces that have a span (starting in <see cref="Range"/>) for which
/// the conditions hold — all of them on the same span when <see cref="AllConditions"/>, any one otherwise.
/// Storage returns the most recent traces first and at least <see cref="Limit"/> of them when that many match;
/// it may return more, and may return traces that do not match (the engine re-evaluates).
/// </summary>
public sealed record FetchRequest(TimeRange Range, IReadOnlyList<Condition> Conditions, bool AllConditions = true,
    int Limit = 20)
{
    /// <summary>
    /// Exactly the <see cref="Limit"/> matching traces that started last (Tempo's <c>most_recent</c> hint), rather than
    /// the newest as far as each part can tell: a trace whose late spans lie in a newer part than its start ranks
    /// by its start, which costs reading on until no older candidate can start later than the results.
    /// </summary>
    public bool MostRecent { get; init; }

    /// <summary>How many matching spans to return per trace (0: summaries only, cheaper).</summary>
    public int SpansPerTrace { get; init; }

    /// <summary>
    /// Keys the matching span carries somewhere the conditions do not look (its own, resource, scope, event or link
    /// attributes), as a Jaeger tag search needs: storage may skip data that holds one of them nowhere. A hint
    /// for pruning only; the engine tests the tags itself.
    /// </summary>
    public IReadOnlyList<string> AnywhereKeys { get; init; } = [];
}
