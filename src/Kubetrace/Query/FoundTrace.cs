using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;

namespace Kubetrace.Query;

/// <summary>A search result: the summary, every stored span of the trace, and the spans that matched.</summary>
/// <param name="Matched">At most <see cref="TraceQuery.SpansPerTrace"/> matching spans, in stored order.</param>
/// <param name="MatchedCount">How many spans matched in all.</param>
public sealed record FoundTrace(
    TraceSummary Summary,
    IReadOnlyList<ResourceSpans> Spans,
    IReadOnlyList<SpanView> Matched,
    int MatchedCount);
