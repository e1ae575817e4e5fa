using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Storage;
using ConditionMatcher = Kubetrace.Storage.Query.ConditionMatcher;
using StoredValue = Kubetrace.Storage.Model.StoredValue;

namespace Kubetrace.Query;

/// <summary>
/// Decides whether a stored span satisfies a query: the engine's re-evaluation of what storage returned.
/// Comparison rules (text vs number, regex anchoring, kind and status names) are storage's own
/// <see cref="ConditionMatcher"/>, so pushdown and re-evaluation can never disagree on a value.
/// </summary>
public sealed class SpanPredicate
{
    private readonly TimeRange _range;
    private readonly (ConditionMatcher Matcher, bool Everywhere, bool Normalised)[] _conditions;

    public SpanPredicate(TraceQuery query)
    {
        _range = query.Range;
        _conditions = query.Conditions.Select(c => (new ConditionMatcher(c.Condition), c.Everywhere,
            c.Condition.Scope != AttributeScope.Intrinsic && NormalisedConditions.IsNormalised(c.Condition.Key))).ToArray();
    }

    public bool Matches(in SpanView view)
    {
        if (!_range.Contains((long)view.Span.StartTimeUnixNano)) return false;
        foreach (var (matcher, everywhere, normalised) in _conditions)
            if (!Matches(matcher, everywhere, view) && !(normalised && MatchesNormalised(matcher, view))) return false;
        return true;
    }

    /// <summary>A Kubernetes name matches on its normalised value too (whichever raw form the span carries).</summary>
    private static bool MatchesNormalised(ConditionMatcher matcher, in SpanView view) =>
        matcher.Test(K8sVocabulary.Resolve(matcher.Condition.Key, new ScopedAttributes(view, matcher.Condition.Scope)));

    /// <summary>Raw attributes of a span within a condition's scope (span, resource, or span then resource).</summary>
    private readonly struct ScopedAttributes(SpanView view, AttributeScope scope) : IRawAttributes
    {
        public string? Get(string rawKey)
        {
            if (scope != AttributeScope.Resource && Find(view.Span.Attributes, rawKey) is { } own) return own;
            return scope != AttributeScope.Span ? Find(view.Resource.Resource?.Attributes, rawKey) : null;
        }

        private static string? Find(IEnumerable<KeyValue>? attributes, string key)
        {
            foreach (var attribute in attributes ?? [])
                if (attribute.Key == key && attribute.Value is { } value) return StoredValue.TextOf(value);
            return null;
        }
    }

    private static bool Matches(ConditionMatcher matcher, bool everywhere, in SpanView view)
    {
        var span = view.Span;
        switch (matcher.Intrinsic)
        {
            case Intrinsic.Service: return matcher.Test(view.ServiceName);
            case Intrinsic.Name: return matcher.Test(span.Name);
            case Intrinsic.Kind: return matcher.Test(ConditionMatcher.KindName((int)span.Kind));
            case Intrinsic.Status: return matcher.Test(ConditionMatcher.StatusName((int)(span.Status?.Code ?? 0)));
            case Intrinsic.Duration: return matcher.TestNumber(view.DurationNanos);
            case Intrinsic.EventName: return span.Events.Any(e => matcher.Test(e.Name));
        }
        var scope = matcher.Condition.Scope;
        if (scope == AttributeScope.Intrinsic) return false;
        if (scope != AttributeScope.Resource && AnyMatches(matcher, span.Attributes)) return true;
        if (scope != AttributeScope.Span && AnyMatches(matcher, view.Resource.Resource?.Attributes)) return true;
        if (!everywhere) return false;
        if (AnyMatches(matcher, view.Scope.Scope?.Attributes)) return true;
        foreach (var spanEvent in span.Events)
            if (AnyMatches(matcher, spanEvent.Attributes)) return true;
        foreach (var link in span.Links)
            if (AnyMatches(matcher, link.Attributes)) return true;
        return DerivedTag(matcher.Condition.Key, view) is { } derived && matcher.Test(derived);
    }

    /// <summary>
    /// Keys a span may carry a matching tag under although no attribute has that key (derived from OTLP fields,
    /// or a Kubernetes name normalised from other raw keys): storage cannot prune data by their absence.
    /// </summary>
    public static bool MayMatchWithoutKey(string key) => DerivedTagKeys.Contains(key) || NormalisedConditions.IsNormalised(key);

    /// <summary>The keys <see cref="DerivedTag"/> answers.</summary>
    private static readonly HashSet<string> DerivedTagKeys = new(StringComparer.Ordinal)
    {
        "error", "span.kind", "otel.status_code", "otel.scope.name", "otel.library.name", "otel.scope.version", "otel.library.version",
    };

    /// <summary>The tags Jaeger shows (and so lets users search) that OTLP keeps in fields, not attributes.</summary>
    private static string? DerivedTag(string key, in SpanView view) => key switch
    {
        "error" => view.Span.Status?.Code == Otlp.Proto.Trace.Status.Types.StatusCode.Error ? "true" : null,
        "span.kind" => view.Span.Kind == Otlp.Proto.Trace.Span.Types.SpanKind.Unspecified ? null
            : ConditionMatcher.KindName((int)view.Span.Kind),
        "otel.status_code" => view.Span.Status?.Code switch
        {
            Otlp.Proto.Trace.Status.Types.StatusCode.Error => "ERROR",
            Otlp.Proto.Trace.Status.Types.StatusCode.Ok => "OK",
            _ => null,
        },
        "otel.scope.name" or "otel.library.name" => NonEmpty(view.Scope.Scope?.Name),
        "otel.scope.version" or "otel.library.version" => NonEmpty(view.Scope.Scope?.Version),
        _ => null,
    };

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static bool AnyMatches(ConditionMatcher matcher, IEnumerable<KeyValue>? attributes)
    {
        if (attributes is null) return false;
        foreach (var attribute in attributes)
            if (attribute.Key == matcher.Condition.Key && matcher.Test(StoredValue.TextOf(attribute.Value ?? new AnyValue())))
                return true;
        return false;
    }
}
