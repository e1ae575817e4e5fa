using Kubetrace.Components;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Processors.AttributeActions;
using Kubetrace.Processors.SpanMatching;

namespace Kubetrace.Processors.Attributes;

/// <summary>
/// The <c>attributes</c> processor: applies its actions, in order, to the attributes of every span that matches
/// <c>include</c> (when given) and not <c>exclude</c> (when given). Spans it does not change are passed on as they are.
/// </summary>
public sealed class AttributesProcessor : PerBatchProcessor
{
    private readonly AttributeActionList _actions;
    private readonly SpanMatcher? _include;
    private readonly SpanMatcher? _exclude;
    private readonly SpanRewrite _rewrite;

    public AttributesProcessor(ComponentSettings settings, AttributesConfig config, ITraceConsumer next) : base(settings, next)
    {
        _actions = new AttributeActionList(config.Actions);
        _include = config.Include is null ? null : new SpanMatcher(config.Include);
        _exclude = config.Exclude is null ? null : new SpanMatcher(config.Exclude);
        _rewrite = Rewrite;
    }

    protected override TraceBatch Process(TraceBatch batch)
    {
        var rewrite = batch.Metadata is null ? _rewrite : (r, s, span) => Apply(r, s, span, batch.Metadata);
        var output = SpanRewriter.Rewrite(batch.Request, rewrite);
        return ReferenceEquals(output, batch.Request) ? batch : batch.WithRequest(output);
    }

    private Span Rewrite(ResourceSpans resource, ScopeSpans scope, Span span) => Apply(resource, scope, span, null);

    private Span Apply(ResourceSpans resource, ScopeSpans scope, Span span, IReadOnlyDictionary<string, string>? metadata)
    {
        if (_include is not null && !_include.Matches(resource.Resource, scope.Scope, span)) return span;
        if (_exclude is not null && _exclude.Matches(resource.Resource, scope.Scope, span)) return span;
        if (_actions.Apply(span.Attributes, metadata) is not { } attributes) return span;
        var copy = SpanRewriter.ShallowCopy(span);
        copy.Attributes.Clear();
        copy.Attributes.AddRange(attributes);
        return copy;
    }
}
