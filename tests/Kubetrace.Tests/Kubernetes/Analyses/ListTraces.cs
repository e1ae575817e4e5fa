using static Kubetrace.Otlp.Proto.Trace.Span.Types;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// A LIST beside the object traces, for the analyses that only LISTs feed (<c>lists</c>): the controller-manager
/// lists kube-system's config maps and the watch cache answers (1.34: handler <c>List</c> with
/// <c>cacher.GetList</c> under it). It names no pod, so the object traces' answers do not change.
/// </summary>
internal static class ListTraces
{
    public const int ConfigMapList = 16;

    public static KubeTraces Build() => new KubeTraces()
        .Span("apiserver", "cp-1", ConfigMapList, 1, 0, "GET /api/v1/namespaces/{:namespace}/configmaps", 4000, 4012, SpanKind.Server,
            attributes: [("http.method", "GET"), ("http.status_code", "200"), ("audit-id", "aud-list-3")])
        .Span("apiserver", "cp-1", ConfigMapList, 3, 1, "List", 4001, 4011,
            attributes: [("namespace", "kube-system"), ("resource", "configmaps"), ("verb", "LIST"), ("audit-id", "aud-list-3"),
                ("user-agent", "kube-controller-manager/v1.34.0 (linux/amd64) kubernetes/abcdef")])
        .Span("apiserver", "cp-1", ConfigMapList, 30, 3, "cacher.GetList", 4002, 4008, attributes: [("type", "configmaps"), ("audit-id", "aud-list-3")]);
}
