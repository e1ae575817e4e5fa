using Kubetrace.Components;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Processors.Ottl;
using Kubetrace.Processors.SpanMatching;

namespace Kubetrace.Processors.Filter;

/// <summary>
/// The <c>filter</c> processor: drops spans for which any <c>traces.span</c> condition holds, and span events for
/// which any <c>traces.spanevent</c> condition holds; or, in the legacy form, spans outside include / inside exclude.
/// Dropped spans are counted by <see cref="PerBatchProcessor"/> in <c>otelcol_processor_dropped_spans</c>, and in the
/// Collector's own <c>otelcol_processor_filter_spans.filtered</c> (Prometheus: <c>otelcol_processor_filter_spans_filtered_total</c>).
/// </summary>
public sealed class FilterProcessor : PerBatchProcessor
{
    private readonly OttlProgram _spans;
    private readonly OttlProgram _events;
    private readonly SpanMatcher? _include;
    private readonly SpanMatcher? _exclude;
    private readonly OttlErrorMode _errors;
    private readonly SpanRewrite _rewrite;
    private readonly Telemetry.Counter _filtered;

    public FilterProcessor(ComponentSettings settings, FilterConfig config, ITraceConsumer next) : base(settings, next)
    {
        _spans = OttlProgram.ForConditions(config.Traces.Span, OttlContext.Span);
        _events = OttlProgram.ForConditions(config.Traces.Spanevent, OttlContext.SpanEvent);
        _include = config.Spans?.Include is { } include ? new SpanMatcher(include) : null;
        _exclude = config.Spans?.Exclude is { } exclude ? new SpanMatcher(exclude) : null;
        _errors = new OttlErrorMode(config.ErrorMode, settings.CreateLogger());
        _rewrite = Filter;
        _filtered = settings.Metrics.Counter("otelcol_processor_filter_spans_filtered", "Number of spans dropped by the filter processor",
            ("processor", settings.Id.ToString()));
    }

    protected override TraceBatch? Process(TraceBatch batch)
    {
        var output = SpanRewriter.Rewrite(batch.Request, _rewrite);
        if (ReferenceEquals(output, batch.Request)) return batch;
        var filtered = batch.WithRequest(output);
        _filtered.Add(batch.SpanCount - filtered.SpanCount);
        return filtered;
    }

    private Span? Filter(ResourceSpans resource, ScopeSpans scope, Span span)
    {
        if (_include is not null && !_include.Matches(resource.Resource, scope.Scope, span)) return null;
        if (_exclude is not null && _exclude.Matches(resource.Resource, scope.Scope, span)) return null;
        var drop = false;
        if (_spans.Conditions.Count > 0) _errors.Try(() => drop = _spans.AnyCondition(OttlView.ForSpan(span, resource.Resource)));
        if (drop) return null;
        if (_events.Conditions.Count == 0 || span.Events.Count == 0) return span;
        Span? copy = null;
        for (var i = span.Events.Count - 1; i >= 0; i--)
        {
            var dropEvent = false;
            var spanEvent = span.Events[i];
            _errors.Try(() => dropEvent = _events.AnyCondition(OttlView.ForEvent(spanEvent)));
            if (!dropEvent) continue;
            copy ??= SpanRewriter.ShallowCopy(span);
            copy.Events.RemoveAt(i);
        }
        return copy ?? span;
    }
}
