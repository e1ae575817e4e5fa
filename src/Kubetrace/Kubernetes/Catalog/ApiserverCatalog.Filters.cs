using static Kubetrace.Kubernetes.Catalog.ApiserverSources;
using S = Kubetrace.Kubernetes.Catalog.ApiserverSpans;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>The filterlatency spans: one <c>authentication</c> span through 1.33, nested filter spans from 1.34.</summary>
public static partial class ApiserverCatalog
{
    private static IEnumerable<SpanShape> FilterSpans =>
    [
        Filter(ReleaseRange.Kubernetes(27, 32), S.Authentication,
            "the server span (WithTracing wraps the whole chain)",
            "right after the authentication filter: the next trackCompleted ends trace.SpanFromContext(ctx)",
            [Src(27, FilterLatencyGo, 92, "tracer.Start, only for the first filter (later filters find the record and start no span)"),
             Src(27, FilterLatencyGo, 109, "trackCompleted: trace.SpanFromContext(ctx).End()"), Src(27, ConfigGo, 926, "TrackStarted(authentication)"),
             Src(27, ConfigGo, 951, "WithTracing outside authentication")],
            "The only filter span through 1.32. It stays the request context's span after it ends, so the handler spans (and through 1.31 SerializeObject) are its children, " +
            "outside its interval; the other filters (audit, impersonation, priorityandfairness, authorization) have no span and their time is the server span's own."),
        Filter(ReleaseRange.Kubernetes(33, 33), S.Authentication,
            "none: the root of a one-span trace of its own (it starts before WithTracing, with no span in the context), sampled as a root",
            "right after the authentication filter (trackCompleted ends it)",
            [Src(33, FilterLatencyGo, 92, "tracer.Start with no span in the context"), Src(33, ConfigGo, 1051, "TrackStarted(authentication) outside WithTracing"),
             Src(33, ConfigGo, 1046, "WithTracing after authentication")],
            "Cannot be joined to its request by trace ID (it has no attributes either); its duration is the authentication time. " +
            "A system:masters caller without a traceparent is the exception: its server span is this span's child."),
        Filter(ReleaseRange.Kubernetes(34), S.Authentication,
            "none: the root of a trace of its own (it starts before WithTracing)",
            "when the whole request ends (defer span.End() around the rest of the chain, the request's server span included)",
            [Src(34, FilterLatencyGo, 79, "tracer.Start"), Src(34, FilterLatencyGo, 80, "defer span.End()"), Src(34, ConfigGo, 1051, "TrackStarted(authentication) outside WithTracing")],
            "Its duration is authentication plus the whole request (a watch's included), not the authentication time; it cannot be joined to its request by trace ID. " +
            "For a system:masters caller without a traceparent the server span is its child, in the same trace."),
        .. S.NestedFilters.Select((name, depth) => Filter(ReleaseRange.Kubernetes(34), name,
            depth == 0 ? "the server span" : $"the {S.NestedFilters[depth - 1]} span",
            "when the request ends (defer span.End()): it encloses every later filter and the handler",
            [Src(34, FilterLatencyGo, 79, "tracer.Start, for every filter"), Src(34, FilterLatencyGo, 80, "defer span.End()"), Src(34, ConfigGo, FilterLine(name), $"TrackStarted({name})")],
            name switch
            {
                S.Authorization => "The innermost filter: the handler span is its child. Its own (exclusive) time is the filter's; the time under its child is the handler's.",
                S.Impersonation => "1.36 with the ConstrainedImpersonation feature gate (alpha, off by default) names it constrainedimpersonation (config.go#L1057 at v0.36.0).",
                S.PriorityAndFairness => "Nested: its exclusive time (its interval minus its child filter's) is classification, queue wait and seat dispatch together. " +
                                         "No attributes or events: the flow schema and priority level reach only the HTTP log line (priority-and-fairness.go#L119-L120) " +
                                         "and the response headers (#L373-L374), so no span tells APF queueing per flow (docs/analyses.md).",
                _ => "Nested: its exclusive time (its interval minus its child filter's) is the filter's own work.",
            })),
    ];

    private static int FilterLine(string name) => name switch
    {
        S.Audit => 1038,
        S.Impersonation => 1034,
        S.PriorityAndFairness => 1027,
        _ => 1019,
    };

    private static SpanShape Filter(ReleaseRange releases, string name, string parent, string ends, IReadOnlyList<SourceRef> sources, string note) =>
        Shape(releases, name, SpanKind.Internal, S.FilterLatencyScope, parent, ends, sources) with { Note = note };
}
