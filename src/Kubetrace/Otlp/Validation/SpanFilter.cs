using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Otlp.Validation;

/// <summary>
/// Removes the spans that break <see cref="SpanRules"/> from a decoded request, in place, and reports them. Scopes
/// and resources left without spans by the removal are removed too, so that no stage sees empty shells.
/// </summary>
public static class SpanFilter
{
    /// <returns>The report of what was removed (<see cref="RejectionReport.Rejected"/> is 0 when all spans were valid).</returns>
    public static RejectionReport RemoveInvalid(ExportTraceServiceRequest request)
    {
        var report = new RejectionReport();
        var spanIndex = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
                spanIndex = FilterScope(scopeSpans, spanIndex, report);
        }
        if (report.Rejected > 0) RemoveEmptied(request);
        return report;
    }

    private static int FilterScope(ScopeSpans scopeSpans, int spanIndex, RejectionReport report)
    {
        List<Span>? kept = null;
        for (var i = 0; i < scopeSpans.Spans.Count; i++, spanIndex++)
        {
            var span = scopeSpans.Spans[i];
            var problem = SpanRules.Check(span.TraceId.Span, span.SpanId.Span, span.ParentSpanId.Span, span.StartTimeUnixNano, span.EndTimeUnixNano);
            if (problem == SpanProblem.None)
            {
                kept?.Add(span);
                continue;
            }
            // First invalid span: from here on, collect the keepers instead of removing one by one (O(n), not O(n²)).
            kept ??= [.. scopeSpans.Spans.Take(i)];
            report.Add(spanIndex, span.Name, SpanRules.Describe(problem, span.TraceId.Length, span.SpanId.Length,
                span.ParentSpanId.Length, span.StartTimeUnixNano, span.EndTimeUnixNano));
        }
        if (kept is not null)
        {
            scopeSpans.Spans.Clear();
            scopeSpans.Spans.Add(kept);
            // An emptied scope is marked for removal by having no spans; RemoveEmptied drops it.
        }
        return spanIndex;
    }

    /// <summary>Removes the scopes and resources left without spans.</summary>
    public static void RemoveEmptied(ExportTraceServiceRequest request)
    {
        foreach (var resourceSpans in request.ResourceSpans)
        {
            for (var i = resourceSpans.ScopeSpans.Count - 1; i >= 0; i--)
            {
                if (resourceSpans.ScopeSpans[i].Spans.Count == 0) resourceSpans.ScopeSpans.RemoveAt(i);
            }
        }
        for (var i = request.ResourceSpans.Count - 1; i >= 0; i--)
        {
            if (request.ResourceSpans[i].ScopeSpans.Count == 0) request.ResourceSpans.RemoveAt(i);
        }
    }
}
