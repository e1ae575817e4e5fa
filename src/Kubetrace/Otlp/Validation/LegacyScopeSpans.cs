using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Otlp.Validation;

/// <summary>
/// Moves the spans that OTLP 0.15-0.19 exporters send in ResourceSpans field 1000 (<c>instrumentation_library_spans</c>,
/// same layout as ScopeSpans) into <c>scope_spans</c>, so that later stages know only the current layout.
/// </summary>
public static class LegacyScopeSpans
{
    /// <returns>Whether anything was moved.</returns>
    public static bool Fold(ExportTraceServiceRequest request)
    {
        var moved = false;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            if (resourceSpans.InstrumentationLibrarySpans.Count == 0) continue;
            resourceSpans.ScopeSpans.Add(resourceSpans.InstrumentationLibrarySpans);
            resourceSpans.InstrumentationLibrarySpans.Clear();
            moved = true;
        }
        return moved;
    }
}
