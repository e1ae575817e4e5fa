namespace Kubetrace.Analysis;

/// <summary>
/// The search for the spans one analysis row measured, within the analysis's range. Either the native search
/// (<c>GET /api/v1/search</c>, docs/api.md): every condition holds on the same span, and a span counts when it
/// starts in the range (the search's <c>start</c>/<c>end</c>); or, where a row is told by what is around its span
/// (a handler under a request, an attribute that is absent, the first of several names present), a TraceQL query
/// (<see cref="TraceQl"/>, the search's <c>q</c>) whose spansets are the row's spans; TraceQL finds the traces
/// that overlap the range, so a row's span that started just before it is found too. The UI links each row to it:
/// the slowest (from the p99), a typical one (within the p50's bounds) and all.
/// </summary>
/// <param name="Service">The spans' <c>service.name</c>; null: any.</param>
/// <param name="Name">The span name; null: any.</param>
/// <param name="Kind">The span kind as the search takes it (<c>server</c>, <c>client</c>, ...); null: any.</param>
/// <param name="Attributes"><c>key=value</c> conditions as <c>attr=</c> takes them (Kubetrace's normalised Kubernetes names).</param>
public sealed record RowSearch(string? Service, string? Name, string? Kind, IReadOnlyList<string> Attributes)
{
    /// <summary>
    /// A TraceQL query instead of the native conditions (which are then empty): its spans are the row's. Written
    /// so that a pipeline stage (<c>| { duration &gt;= 300ms }</c>) narrows it to the row's slowest or typical spans.
    /// </summary>
    public string? TraceQl { get; init; }

    /// <summary>
    /// The search's own range (Unix nanoseconds, <c>start</c> and <c>end</c> in the JSON), where the row is a part of the
    /// analysis's (an <c>etcd-timeline</c> bucket); null: the analysis's range.
    /// </summary>
    public long? Start { get; init; }

    /// <summary>The end of <see cref="Start"/>'s range (exclusive).</summary>
    public long? End { get; init; }

    /// <summary>
    /// Null when the search finds exactly the row's spans; otherwise why no search can, and what this one finds
    /// besides them (the UI labels its link so). Offered only where the nearest expressible search still holds every
    /// span of the row.
    /// </summary>
    public string? Inexact { get; init; }

    /// <summary>The row's spans as a TraceQL query's (<see cref="TraceQlText"/> writes it).</summary>
    public static RowSearch Query(string traceQl) => new(null, null, null, []) { TraceQl = traceQl };
}
