using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Query;

/// <summary>
/// A span stored twice (a client retried an export whose response was lost) is one span: like Tempo's trace
/// combiner, spans are the same when their id and kind are (Zipkin's client and server halves share an id but
/// not a kind). The first copy is kept; resources and scopes left empty are dropped.
/// </summary>
public static class DuplicateSpans
{
    public static IReadOnlyList<ResourceSpans> Remove(IReadOnlyList<ResourceSpans> trace)
    {
        var seen = new HashSet<(UInt128, int)>();
        var duplicates = false;
        foreach (var span in trace.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans))
            duplicates |= !seen.Add(Key(span));
        if (!duplicates) return trace;
        seen.Clear();
        var result = new List<ResourceSpans>(trace.Count);
        foreach (var resource in trace)
        {
            var copy = new ResourceSpans { Resource = resource.Resource, SchemaUrl = resource.SchemaUrl };
            foreach (var scope in resource.ScopeSpans)
            {
                var scopeCopy = new ScopeSpans { Scope = scope.Scope, SchemaUrl = scope.SchemaUrl };
                scopeCopy.Spans.AddRange(scope.Spans.Where(s => seen.Add(Key(s))));
                if (scopeCopy.Spans.Count > 0) copy.ScopeSpans.Add(scopeCopy);
            }
            if (copy.ScopeSpans.Count > 0) result.Add(copy);
        }
        return result;
    }

    private static (UInt128, int) Key(Span span)
    {
        UInt128 id = 0;
        foreach (var b in span.SpanId.Span) id = id << 8 | b;
        return (id, (int)span.Kind);
    }
}
