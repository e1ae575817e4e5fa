using Kubetrace.Components;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Processors.Ottl;

namespace Kubetrace.Processors.Transform;

/// <summary>
/// The <c>transform</c> processor: runs each group of OTTL statements, in order, on every resource, span or span
/// event of its context (when the group's conditions, if any, hold). Unchanged items are passed on as they are.
/// </summary>
public sealed class TransformProcessor : PerBatchProcessor
{
    private readonly (OttlProgram Statements, OttlProgram Conditions, OttlErrorMode Errors)[] _groups;
    private readonly SpanRewrite _rewriteSpan;
    private readonly ResourceRewrite _rewriteResource;

    public TransformProcessor(ComponentSettings settings, TransformConfig config, ITraceConsumer next) : base(settings, next)
    {
        var logger = settings.CreateLogger();
        _groups = config.Groups().Select(g => (OttlProgram.ForStatements(g.Statements, g.Context), OttlProgram.ForConditions(g.Conditions, g.Context),
            new OttlErrorMode(g.ErrorMode ?? config.ErrorMode, logger))).ToArray();
        _rewriteSpan = RewriteSpan;
        _rewriteResource = RewriteResource;
    }

    protected override TraceBatch Process(TraceBatch batch)
    {
        var output = SpanRewriter.Rewrite(batch.Request, _rewriteSpan, _rewriteResource);
        return ReferenceEquals(output, batch.Request) ? batch : batch.WithRequest(output);
    }

    private Otlp.Proto.Resource.Resource RewriteResource(Otlp.Proto.Resource.Resource resource)
    {
        var view = OttlView.ForResource(resource);
        foreach (var (statements, conditions, errors) in _groups)
            if (statements.Context == OttlContext.Resource) Run(statements, conditions, errors, view);
        return view.Changed ? view.Resource : resource;
    }

    private Span RewriteSpan(ResourceSpans resource, ScopeSpans scope, Span span)
    {
        var view = OttlView.ForSpan(span, resource.Resource);
        foreach (var (statements, conditions, errors) in _groups)
        {
            if (statements.Context == OttlContext.Span) Run(statements, conditions, errors, view);
            else if (statements.Context == OttlContext.SpanEvent) RunOnEvents(statements, conditions, errors, view);
        }
        return view.Changed ? view.Span : span;
    }

    private static void RunOnEvents(OttlProgram statements, OttlProgram conditions, OttlErrorMode errors, OttlView spanView)
    {
        var events = spanView.Span.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var eventView = OttlView.ForEvent(events[i]);
            Run(statements, conditions, errors, eventView);
            if (!eventView.Changed) continue;
            // The span must change too; an editable map of its own attributes makes it a copy.
            spanView.EditableMap(new OttlPath(PathTarget.Attributes, null));
            spanView.Span.Events[i] = eventView.Event;
            events = spanView.Span.Events;
        }
    }

    private static void Run(OttlProgram statements, OttlProgram conditions, OttlErrorMode errors, OttlView view)
    {
        if (conditions.Conditions.Count > 0)
        {
            var holds = false;
            if (!errors.Try(() => holds = conditions.AnyCondition(view)) || !holds) return;
        }
        errors.Try(() => statements.Execute(view));
    }
}
