using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Query;

/// <summary>A span with the resource and scope it was sent under, as stored.</summary>
public readonly record struct SpanView(ResourceSpans Resource, ScopeSpans Scope, Span Span)
{
    public static IEnumerable<SpanView> All(IReadOnlyList<ResourceSpans> trace)
    {
        foreach (var resource in trace)
        foreach (var scope in resource.ScopeSpans)
        foreach (var span in scope.Spans)
            yield return new SpanView(resource, scope, span);
    }

    public long DurationNanos => (long)(Span.EndTimeUnixNano - Math.Min(Span.StartTimeUnixNano, Span.EndTimeUnixNano));

    public string ServiceName => ServiceNameOf(Resource);

    public static string ServiceNameOf(ResourceSpans resource)
    {
        foreach (var attribute in resource.Resource?.Attributes ?? [])
            if (attribute.Key == "service.name") return attribute.Value?.StringValue ?? "";
        return "";
    }
}
