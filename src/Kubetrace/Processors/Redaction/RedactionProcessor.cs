using Kubetrace.Components;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.Redaction;

/// <summary>
/// The <c>redaction</c> processor: removes attributes whose keys are not allowed and masks secrets in the rest —
/// on resources, spans and span events, as the Collector does — before anything is stored or exported.
/// </summary>
/// <remarks>
/// Copy on write: a span (or resource) is copied only when one of its values changes; a clean batch is handed on
/// as the same object, and a clean value costs one scan per rule and no allocation. With <c>preset: kubernetes</c>
/// span names, status messages and event names are scanned for secrets too (values only; they are never removed).
/// </remarks>
public sealed class RedactionProcessor : PerBatchProcessor
{
    private readonly RedactionRules _rules;
    private readonly AttributeRedactor _attributes;
    private readonly SpanRewrite _rewriteSpan;
    private readonly ResourceRewrite _rewriteResource;

    public RedactionProcessor(ComponentSettings settings, RedactionConfig config, ITraceConsumer next) : base(settings, next)
    {
        _rules = new RedactionRules(config);
        _attributes = new AttributeRedactor(_rules);
        _rewriteSpan = RedactSpan;
        _rewriteResource = RedactResource;
    }

    protected override TraceBatch Process(TraceBatch batch)
    {
        var output = SpanRewriter.Rewrite(batch.Request, _rewriteSpan, _rewriteResource);
        return ReferenceEquals(output, batch.Request) ? batch : batch.WithRequest(output);
    }

    private Resource RedactResource(Resource resource)
    {
        if (_attributes.Redact(resource.Attributes) is not { } attributes) return resource;
        var copy = new Resource { DroppedAttributesCount = resource.DroppedAttributesCount };
        copy.Attributes.AddRange(attributes);
        return copy;
    }

    private Span RedactSpan(ResourceSpans resource, ScopeSpans scope, Span span)
    {
        Span? copy = null;
        if (_attributes.Redact(span.Attributes) is { } attributes)
        {
            copy = SpanRewriter.ShallowCopy(span);
            copy.Attributes.Clear();
            copy.Attributes.AddRange(attributes);
        }
        for (var i = 0; i < span.Events.Count; i++)
        {
            var spanEvent = span.Events[i];
            var eventAttributes = _attributes.Redact(spanEvent.Attributes);
            var eventName = _rules.ScanSpanText ? _rules.RedactText(spanEvent.Name) : null;
            if (eventAttributes is null && eventName is null) continue;
            copy ??= SpanRewriter.ShallowCopy(span);
            var newEvent = new Span.Types.Event
            {
                TimeUnixNano = spanEvent.TimeUnixNano,
                Name = eventName ?? spanEvent.Name,
                DroppedAttributesCount = spanEvent.DroppedAttributesCount,
            };
            newEvent.Attributes.AddRange(eventAttributes ?? (IEnumerable<Otlp.Proto.Common.KeyValue>)spanEvent.Attributes);
            copy.Events[i] = newEvent;
        }
        if (_rules.ScanSpanText)
        {
            if (_rules.RedactText(span.Name) is { } name) (copy ??= SpanRewriter.ShallowCopy(span)).Name = name;
            if (span.Status is { Message.Length: > 0 } status && _rules.RedactText(status.Message) is { } message)
                (copy ??= SpanRewriter.ShallowCopy(span)).Status = new Status { Code = status.Code, Message = message };
        }
        return copy ?? span;
    }
}
