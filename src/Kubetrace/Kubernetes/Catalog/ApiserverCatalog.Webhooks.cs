using static Kubetrace.Kubernetes.Catalog.ApiserverSources;
using E = Kubetrace.Kubernetes.Catalog.ApiserverEvents;
using K = Kubetrace.Kubernetes.Catalog.ApiserverKeys;
using S = Kubetrace.Kubernetes.Catalog.ApiserverSpans;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>Admission webhook calls: the dispatcher's span and otelhttp's client span under it.</summary>
public static partial class ApiserverCatalog
{
    private static readonly AttributeShape[] WebhookAttributes =
    [
        Str(K.Configuration, "the webhook configuration's name"), Str(K.Webhook, "the webhook's name"),
        Str(K.Resource, "the GroupVersionResource as Go prints it: /v1, Resource=pods; apps/v1, Resource=deployments"),
        Str(K.Subresource, "status, binding, ... or empty"), Str(K.Operation, "CREATE, UPDATE, DELETE or CONNECT"), Str(K.Uid, "the AdmissionReview UID"),
    ];

    private static readonly EventShape[] ClientError = [Event("exception", "RecordError on a transport error (timeout, refused)", ReleaseRange.Kubernetes(27, 34), "exception.type", "exception.message")];

    private static IEnumerable<SpanShape> WebhookSpans =>
    [
        Webhook(S.MutatingWebhook, "one after another, each a child of the handler span",
            [Event(E.RequestCompleted, "after the call returned without error"), Event(E.PatchApplied, "when the webhook returned a patch")],
            [Src(27, MutatingGo, 258, "tracing.Start(\"Call mutating webhook\")"), Src(27, MutatingGo, 304, "Request completed"), Src(27, MutatingGo, 378, "Patch applied"),
             Src(34, MutatingGo, 266, "same at 1.34"), Apimachinery(34, "pkg/runtime/schema/group_version.go", 114, "GroupVersionResource.String")]),
        Webhook(S.ValidatingWebhook, "all at once (one goroutine each), each a child of the handler span",
            [Event(E.RequestCompleted, "after the call returned without error")],
            [Src(27, ValidatingGo, 258, "tracing.Start(\"Call validating webhook\")"), Src(27, ValidatingGo, 304, "Request completed"), Src(34, ValidatingGo, 128, "wg.Add: in parallel"),
             Src(34, ValidatingGo, 267, "same at 1.34")]),
        .. OtelHttpClientVersions.Select(v => Post(v.Releases, v.OtelHttp, v.AttributesLine,
            OtelHttpClientAttributes(v.Releases, "POST", "the webhook URL, with ?timeout=10s", "the webhook service host"))),
    ];

    private static SpanShape Webhook(string name, string order, IReadOnlyList<EventShape> events, IReadOnlyList<SourceRef> sources) =>
        Shape(ReleaseRange.Kubernetes(27), name, SpanKind.Internal, S.ComponentBaseScope,
            "the handler span (Create, Update, Patch, Delete); admission runs after \"About to store object in database\", " + order,
            "when the call and its response handling return (defer span.End(500ms))", sources)
        with
        {
            Attributes = WebhookAttributes,
            Events = events,
            Note = "A failed call sets no status on this span (the dispatcher returns the error): the HTTP POST under it carries the status code or the transport error.",
        };

    private static SpanShape Post(ReleaseRange releases, string otelhttp, int attributesLine, IReadOnlyList<AttributeShape> attributes) =>
        Shape(releases, S.WebhookPost, SpanKind.Client, S.OtelHttpScope,
            "the Call mutating/validating webhook span (the webhook client is wrapped with otelhttp.NewTransport)",
            "when the response arrives, or with status Error and the error's message on a transport error (context deadline exceeded at the webhook's timeout)",
            [OtelHttp(otelhttp, TransportGo, attributesLine, "client request attributes"),
             ComponentBase(releases.From.Minor, "tracing/utils.go", releases.From.Minor switch { 27 => 117, 29 => 126, _ => 127 }, "WrapperFor: otelhttp.NewTransport")])
        with { Attributes = attributes, Events = [.. ClientError.Where(e => e.Releases is not { } r || r.Contains(releases.From))] };
}
