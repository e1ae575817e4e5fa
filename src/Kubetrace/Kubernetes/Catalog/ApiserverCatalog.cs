using static Kubetrace.Kubernetes.Catalog.ApiserverSources;
using K = Kubetrace.Kubernetes.Catalog.ApiserverKeys;
using S = Kubetrace.Kubernetes.Catalog.ApiserverSpans;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// What kube-apiserver's request path emits per release, read from k8s.io/apiserver at each tag (and the otelhttp
/// its go.mod pins): the otelhttp server span, the filter spans, the handler spans with their events,
/// SerializeObject, the watch spans, the admission webhook spans, and the resource, sampler and incoming-context
/// rule. Storage, cacher, KMS and etcd spans are in <see cref="ApiserverStorageCatalog"/>.
/// </summary>
public static partial class ApiserverCatalog
{
    // Built on first use, after every partial file's static fields (their initialisation order across files is not defined).
    // Published once even when tests on several threads ask at the same time: shapes compare by value, and a second
    // build's lists would not equal the first's.
    public static IReadOnlyList<SpanShape> Spans =>
        LazyInitializer.EnsureInitialized(ref field, () => [.. ServerSpans, .. FilterSpans, .. HandlerSpans, .. ResponseSpans, .. WebhookSpans, .. ReentrantSpans]);

    public static IReadOnlyList<ComponentTracing> Components { get; } =
    [
        Tracing(ReleaseRange.Kubernetes(27, 32), 27, 114, 389, 85,
            "never a parent: every request starts a new trace (otelhttp WithPublicEndpoint), linked to the caller's span when it sent a valid traceparent",
            [Src(27, TracesGo, 32, "otelhttp.WithPublicEndpoint()"), OtelHttp("0.35.1", HandlerGo, 133, "WithNewRoot"), OtelHttp("0.35.1", HandlerGo, 136, "link to the remote span context")]),
        Tracing(ReleaseRange.Kubernetes(33, 33), 33, 122, 422, 87,
            "followed for authenticated callers in system:masters or system:monitoring (WithPublicEndpointFn(notSystemPrivilegedGroup)): the server span is the caller's child; " +
            "such a caller without a traceparent gets the authentication span (ended, but still in the request context) as parent. Everyone else: a new trace linked to the caller's span. " +
            "Tracing runs after authentication from 1.33, so the user is known when the server span starts",
            [Src(33, ConfigGo, 1046, "WithTracing inside WithAuthentication"), Src(33, TracesGo, 35, "WithPublicEndpointFn"), Src(33, TracesGo, 86, "system:masters / system:monitoring")]),
        Tracing(ReleaseRange.Kubernetes(34), 34, 122, 422, 87,
            "as 1.33: a system:masters or system:monitoring caller's traceparent is followed (without one, the authentication span is the parent, and from 1.34 it lasts the whole request); " +
            "everyone else gets a new trace linked to the caller's span",
            [Src(34, TracesGo, 37, "WithPublicEndpointFn"), Src(34, TracesGo, 91, "system:masters / system:monitoring"), OtelHttp("0.58.0", HandlerGo, 103, "WithNewRoot for public endpoints")]),
    ];

    private static ComponentTracing Tracing(ReleaseRange releases, int tag, int resourceLine, int hashLine, int samplerLine, string incoming,
        IReadOnlyList<SourceRef> incomingSources) => new()
    {
        Component = S.Component,
        Releases = releases,
        Resource =
        [
            new AttributeShape("service.name", "string: apiserver"),
            new AttributeShape("service.instance.id",
                "string: \"apiserver-\" + lower-case unpadded base32 of the first 16 bytes of SHA-256 over the length-prefixed host name and \"kube-apiserver\" (36 characters)"),
        ],
        Sampler = "ParentBased(TraceIDRatioBased(samplingRatePerMillion / 1e6)); ParentBased(NeverSample) when samplingRatePerMillion is unset or 0",
        IncomingContext = incoming,
        Sources =
        [
            Src(tag, TracingOptionsGo, resourceLine, "service.name"), Src(tag, TracingOptionsGo, resourceLine + 1, "service.instance.id = APIServerID"),
            Src(tag, ConfigGo, hashLine, "APIServerID from hash[:16]"), ComponentBase(tag, "tracing/utils.go", samplerLine, "ParentBased(sampler)"),
            .. incomingSources,
        ],
    };

    /// <summary>A request-path span shape; callers add attributes, events and a note with <c>with</c>.</summary>
    private static SpanShape Shape(ReleaseRange releases, string name, SpanKind kind, string scope, string parent, string ends,
        IReadOnlyList<SourceRef> sources) => new()
    {
        Component = S.Component,
        Releases = releases,
        Name = name,
        Kind = kind,
        Scope = scope,
        Parent = parent,
        Ends = ends,
        Sources = sources,
    };

    private static AttributeShape Str(string key, string form, ReleaseRange? releases = null, bool optional = false) =>
        new(key, "string: " + form, releases, optional);

    private static AttributeShape Int(string key, string form, ReleaseRange? releases = null, bool optional = false) =>
        new(key, "int: " + form, releases, optional);

    private static EventShape Event(string name, string? when = null, ReleaseRange? releases = null, params string[] keys) => new(name, keys, releases, when);
}
