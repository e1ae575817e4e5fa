using Kubetrace.Components;
using Kubetrace.Processors.Ottl;
using Kubetrace.Processors.SpanMatching;

namespace Kubetrace.Processors.Filter;

/// <summary>
/// The <c>filter</c> processor's configuration (processor/filterprocessor/config.go): OTTL conditions under
/// <c>traces</c> (a span or span event is dropped when any holds), or the legacy <c>spans</c> include/exclude.
/// </summary>
public sealed class FilterConfig : IValidatableConfig, IConfigWithWarnings
{
    public string ErrorMode { get; set; } = "propagate";

    public TraceConditions Traces { get; set; } = new();

    public LegacySpanFilter? Spans { get; set; }

    public IEnumerable<ConfigProblem> Validate()
    {
        foreach (var problem in OttlErrorMode.Validate(ErrorMode)) yield return problem;
        if (Spans is not null && Traces.Span.Count + Traces.Spanevent.Count > 0)
            yield return new("spans", "cannot use ottl conditions and include/exclude for spans at the same time");
        foreach (var problem in OttlConfigCheck.Conditions(Traces.Span, OttlContext.Span, "traces::span")) yield return problem;
        foreach (var problem in OttlConfigCheck.Conditions(Traces.Spanevent, OttlContext.SpanEvent, "traces::spanevent")) yield return problem;
        foreach (var problem in Spans?.Include?.Validate("spans::include") ?? []) yield return problem;
        foreach (var problem in Spans?.Exclude?.Validate("spans::exclude") ?? []) yield return problem;
    }

    public IEnumerable<ConfigProblem> Warnings() =>
        (Spans?.Include?.Warnings("spans::include") ?? []).Concat(Spans?.Exclude?.Warnings("spans::exclude") ?? []);
}

public sealed class TraceConditions
{
    public List<string> Span { get; set; } = [];

    public List<string> Spanevent { get; set; } = [];
}

public sealed class LegacySpanFilter
{
    /// <summary>Spans that do not match are dropped.</summary>
    public MatchProperties? Include { get; set; }

    /// <summary>Spans that match are dropped.</summary>
    public MatchProperties? Exclude { get; set; }
}
