namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>A metrics function's first stage: the spans a query's pipeline returns in, series out.</summary>
internal interface IFirstStage
{
    /// <summary>Counts a span; <paramref name="exemplar"/>: it may stand for its trace as an exemplar.</summary>
    void Add(SpanRecord span, bool exemplar);

    List<Series> Results();
}
