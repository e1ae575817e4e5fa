using static Kubetrace.Kubernetes.Catalog.ApiserverSources;
using E = Kubetrace.Kubernetes.Catalog.ApiserverEvents;
using K = Kubetrace.Kubernetes.Catalog.ApiserverKeys;
using S = Kubetrace.Kubernetes.Catalog.ApiserverSpans;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>The REST handler spans (<c>Create</c>, <c>Get</c>, <c>List</c>, ...): traceFields' attributes and the events each handler records.</summary>
public static partial class ApiserverCatalog
{
    private static readonly ReleaseRange From129 = ReleaseRange.Kubernetes(29);

    /// <summary>traceFields (trace_util.go): nine keys, and from 1.29 the request's group, version, name, subresource and namespace.</summary>
    public static readonly IReadOnlyList<AttributeShape> HandlerAttributes =
    [
        Str(K.Accept, "the Accept header"), Str(K.AuditId, "the audit ID (a UUID)"), Str(K.Client, "client IP"),
        Str(K.ApiGroup, "API group, empty for core", From129), Str(K.ApiVersion, "v1", From129),
        Str(K.Name, "the object's name from the URL; empty for a create or a collection", From129), Str(K.Subresource, "status, binding, ... or empty", From129),
        Str(K.Namespace, "the namespace from the URL, empty when cluster-scoped", From129),
        Str(K.Protocol, "HTTP/2.0"), Str(K.Resource, "the plural resource, e.g. pods"), Str(K.Scope, "resource, namespace or cluster"),
        Str(K.Url, "the request path without the query (req.URL.Path)"), Str(K.UserAgent, "the User-Agent, truncated"),
        Str(K.Verb, "GET, LIST, WATCH, POST, PUT, PATCH, DELETE, ... (metrics.NormalizedVerb)"),
    ];

    private const string HandlerParent =
        "1.27–1.32: the authentication span (still the request context's span after it ended); 1.33: the server span; 1.34+: the authorization span";

    private const string HandlerEnds = "when the handler returns (defer span.End(500ms)), after the response is written";

    private static readonly EventShape Respond = Event(E.AboutToWriteResponse, "before the response is encoded (SerializeObject)");
    private static readonly EventShape Responded = Event(E.ResponseDone, "deferred: when the handler returns");

    private static IEnumerable<SpanShape> HandlerSpans =>
    [
        Handler(S.Create, [Src(27, CreateGo, 57, "tracing.Start(\"Create\")"), Src(27, CreateGo, 180, "About to store"), Src(27, CreateGo, 225, "Write to database call succeeded")],
        [
            Event(E.ReadBodySucceeded, null, null, K.Len), Event(E.ReadBodyFailed, "on a body read error", null, K.Len, K.Err),
            Event(E.AboutToConvert), Event(E.ConversionDone), Event(E.AboutToStore, "before mutating admission, validating admission and the storage write"),
            Event(E.WriteSucceeded, null, null, K.Len), Event(E.WriteFailed, "admission or storage failed (a rejecting webhook)", null, K.Len, K.Err), Respond, Responded,
        ]),
        Handler(S.Get, [Src(27, GetGo, 58, "tracing.Start(\"Get\")"), Src(27, GetGo, 109, "About to Get from storage"), Src(32, GetGo, 61, "req.WithContext from 1.32")],
        [
            Event(E.AboutToProcessGetOptions, "getters with options (pods/log, ...)"), Event(E.AboutToGet), Respond, Responded,
        ]),
        Handler(S.Update, [Src(27, UpdateGo, 54, "tracing.Start(\"Update\")"), Src(27, UpdateGo, 214, "About to store"), Src(27, UpdateGo, 254, "Write to database call succeeded")],
        [
            Event(E.ReadBodySucceeded, null, null, K.Len), Event(E.AboutToConvert), Event(E.ConversionDone), Event(E.AboutToStore),
            Event(E.WriteSucceeded, null, null, K.Len), Event(E.WriteFailed, "on failure", null, K.Len, K.Err), Respond, Responded,
        ]),
        Handler(S.Patch, [Src(27, PatchGo, 68, "tracing.Start(\"Patch\")"), Src(27, PatchGo, 547, "About to apply patch"), Src(27, PatchGo, 233, "Object stored in database")],
        [
            Event(E.ReadBodySucceeded, null, null, K.Len), Event(E.RecordedAudit), Event(E.AboutToApplyPatch), Event(E.AboutToAdmit), Event(E.Stored), Respond, Responded,
        ]),
        Handler(S.Delete, [Src(27, DeleteGo, 54, "tracing.Start(\"Delete\")"), Src(27, DeleteGo, 124, "About to delete"), Src(27, DeleteGo, 174, "DeleteCollection: also \"Delete\"")],
        [
            Event(E.ReadBodySucceeded, "only when the request has a body", null, K.Len), Event(E.DecodedDeleteOptions), Event(E.RecordedAudit),
            Event(E.AboutToDelete), Event(E.Deleted), Respond, Responded,
        ], "A collection delete (DeleteCollection) names its span Delete too; its verb attribute says DELETECOLLECTION."),
        Handler(S.List, [Src(27, GetGo, 172, "tracing.Start(\"List\")"), Src(27, GetGo, 276, "defer span.End only on the list path"), Src(34, GetGo, 300, "same in 1.34")],
        [
            Event(E.AboutToList), Event(E.ListingDone), Event(E.ResponseDone, "deferred: when the handler returns", null, K.Count),
        ], "A watch (?watch=true) goes through the same handler but returns before span.End is deferred: its List span is never ended, so never exported. " +
           "No handler span tells a watch apart through 1.35: the server span's http.target query does.", ReleaseRange.Kubernetes(27, 35)),
        Handler(S.List, [Src(36, GetGo, 315, "handleList: tracing.Start(\"List\")"), Src(36, GetGo, 316, "defer span.End")], [],
            "1.36 split watches out (handleWatch) and dropped the List events.", ReleaseRange.Kubernetes(36)),
        Handler(S.WatchList, [Src(36, GetGo, 262, "only for isListWatchRequest"), Src(36, GetGo, 263, "ended by the watch-list complete hook")], [],
            "Only a streaming list (sendInitialEvents=true with allowWatchBookmarks); ends when its initial events are written, while the watch (and its server span) goes on. " +
            "A plain watch has no handler span in 1.36.", ReleaseRange.Kubernetes(36),
            "when the initial events have been written (onWatchListComplete), not when the watch closes"),
    ];

    private static SpanShape Handler(string name, IReadOnlyList<SourceRef> sources, IReadOnlyList<EventShape> events, string? note = null,
        ReleaseRange? releases = null, string? ends = null) =>
        Shape(releases ?? ReleaseRange.Kubernetes(27), name, SpanKind.Internal, S.ComponentBaseScope, HandlerParent, ends ?? HandlerEnds,
            [.. sources, Src(27, TraceUtilGo, 25, "traceFields"), Src(29, TraceUtilGo, 30, "api-group ... namespace from 1.29")])
        with { Attributes = HandlerAttributes, Events = events, Note = note };
}
