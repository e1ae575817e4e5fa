using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;

namespace Kubetrace.Query;

/// <summary>A search result: the summary, the trace's spans when asked for, and the spans that matched.</summary>
/// <param name="Spans">Every stored span of the trace when the query asked for whole traces
/// (<see cref="TraceQuery.WholeTraces"/>), else empty: a search holds only what it answers with.</param>
/// <param name="Matched">At most <see cref="TraceQuery.SpansPerTrace"/> matching spans, in stored order.</param>
/// <param name="MatchedCount">How many spans matched in all.</param>
public sealed record FoundTrace(
    TraceSummary Summary,
    IReadOnlyList<ResourceSpans> Spans,
    IReadOnlyList<SpanView> Matched,
    int MatchedCount)
{
    /// <summary>Spans and error spans per service, over the whole trace, by service name.</summary>
    public IReadOnlyList<ServiceSpanCount> ServiceStats { get; init; } = [];
}

/// <summary>How many spans (and error spans) of one service a trace holds.</summary>
public sealed record ServiceSpanCount(string Service, int Spans, int Errors);
