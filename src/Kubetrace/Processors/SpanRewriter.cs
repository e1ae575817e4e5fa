using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Processors;

/// <summary>
/// What a per-span processor does to one span: return it unchanged, return a replacement (made with
/// <see cref="SpanRewriter.ShallowCopy"/>, never the input edited), or return null to drop it.
/// </summary>
public delegate Span? SpanRewrite(ResourceSpans resource, ScopeSpans scope, Span span);

/// <summary>What a processor does to a resource: return it unchanged or a replacement (never the input edited).</summary>
public delegate Resource ResourceRewrite(Resource resource);

/// <summary>What a processor does to an instrumentation scope: return it unchanged or a replacement (never the input edited).</summary>
public delegate InstrumentationScope ScopeRewrite(InstrumentationScope scope);

/// <summary>
/// The one way processors change spans without breaking the ownership rule (a batch is immutable once handed
/// on): walks a request, applies a <see cref="SpanRewrite"/> to each span, and builds a new request only when some
/// span changed or was dropped — reusing every unchanged resource, scope and span object.
/// </summary>
public static class SpanRewriter
{
    /// <returns>The input itself when nothing changed; otherwise a new request (without emptied scopes and resources).</returns>
    public static ExportTraceServiceRequest Rewrite(ExportTraceServiceRequest request, SpanRewrite rewrite, ResourceRewrite? resourceRewrite = null,
        ScopeRewrite? scopeRewrite = null)
    {
        ExportTraceServiceRequest? output = null;
        for (var r = 0; r < request.ResourceSpans.Count; r++)
        {
            var resourceSpans = request.ResourceSpans[r];
            ResourceSpans? newResource = null;
            if (resourceRewrite is not null && resourceSpans.Resource is { } resource
                && resourceRewrite(resource) is var rewritten && !ReferenceEquals(rewritten, resource))
            {
                newResource = CopyResourceWithScopes(resourceSpans, 0);
                newResource.Resource = rewritten;
            }
            for (var s = 0; s < resourceSpans.ScopeSpans.Count; s++)
            {
                var scopeSpans = resourceSpans.ScopeSpans[s];
                ScopeSpans? newScope = null;
                if (scopeRewrite is not null && scopeSpans.Scope is { } scope
                    && scopeRewrite(scope) is var rewrittenScope && !ReferenceEquals(rewrittenScope, scope))
                {
                    newScope = CopyScopeWithSpans(scopeSpans, 0);
                    newScope.Scope = rewrittenScope;
                }
                for (var i = 0; i < scopeSpans.Spans.Count; i++)
                {
                    var span = scopeSpans.Spans[i];
                    var result = rewrite(resourceSpans, scopeSpans, span);
                    if (newScope is null && ReferenceEquals(result, span)) continue;
                    newScope ??= CopyScopeWithSpans(scopeSpans, i);
                    if (result is not null) newScope.Spans.Add(result);
                }
                if (newResource is null && newScope is null) continue;
                newResource ??= CopyResourceWithScopes(resourceSpans, s);
                var keptScope = newScope ?? scopeSpans;
                if (keptScope.Spans.Count > 0) newResource.ScopeSpans.Add(keptScope);
            }
            if (output is null && newResource is null) continue;
            output ??= CopyRequestWithResources(request, r);
            var keptResource = newResource ?? resourceSpans;
            if (keptResource.ScopeSpans.Count > 0) output.ResourceSpans.Add(keptResource);
        }
        return output ?? request;
    }

    /// <summary>A span sharing the input's attributes, events, links and status objects (they are never edited in
    /// place), so that changing one field does not deep-copy the rest.</summary>
    public static Span ShallowCopy(Span span)
    {
        var copy = new Span
        {
            TraceId = span.TraceId,
            SpanId = span.SpanId,
            TraceState = span.TraceState,
            ParentSpanId = span.ParentSpanId,
            Flags = span.Flags,
            Name = span.Name,
            Kind = span.Kind,
            StartTimeUnixNano = span.StartTimeUnixNano,
            EndTimeUnixNano = span.EndTimeUnixNano,
            DroppedAttributesCount = span.DroppedAttributesCount,
            DroppedEventsCount = span.DroppedEventsCount,
            DroppedLinksCount = span.DroppedLinksCount,
            Status = span.Status,
        };
        copy.Attributes.AddRange(span.Attributes);
        copy.Events.AddRange(span.Events);
        copy.Links.AddRange(span.Links);
        return copy;
    }

    private static ScopeSpans CopyScopeWithSpans(ScopeSpans scope, int count)
    {
        var copy = new ScopeSpans { Scope = scope.Scope, SchemaUrl = scope.SchemaUrl };
        for (var i = 0; i < count; i++) copy.Spans.Add(scope.Spans[i]);
        return copy;
    }

    private static ResourceSpans CopyResourceWithScopes(ResourceSpans resource, int count)
    {
        var copy = new ResourceSpans { Resource = resource.Resource, SchemaUrl = resource.SchemaUrl };
        for (var i = 0; i < count; i++) copy.ScopeSpans.Add(resource.ScopeSpans[i]);
        return copy;
    }

    private static ExportTraceServiceRequest CopyRequestWithResources(ExportTraceServiceRequest request, int count)
    {
        var copy = new ExportTraceServiceRequest();
        for (var i = 0; i < count; i++) copy.ResourceSpans.Add(request.ResourceSpans[i]);
        return copy;
    }
}
