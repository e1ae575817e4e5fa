using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Analyses.Objects;

/// <summary>What a timeline row says about a span: the operation with its Kubernetes detail, and its outcome.</summary>
internal static class SpanDescription
{
    /// <summary>
    /// The span name with what it acted on: <c>Create pods</c>, <c>Patch pods/status</c>,
    /// <c>Call mutating webhook pod-policy.example.com</c>, <c>GuaranteedUpdate etcd3 /registry/pods/ns/name</c>,
    /// <c>pkg.cri.server.PullImage registry/web:1</c>.
    /// </summary>
    public static string Operation(ScannedSpan span, ScannedAttributes attributes)
    {
        if (attributes.Get(span, K8sKeys.Webhook) is { } webhook) return span.Name + " " + webhook;
        if (attributes.Get(span, K8sKeys.EtcdKey) is { } key) return span.Name + " " + key;
        if (attributes.Get(span, K8sKeys.Image) is { } image) return span.Name + " " + image;
        if (attributes.Get(span, K8sKeys.Resource) is { } resource)
        {
            var subresource = attributes.Get(span, K8sKeys.Subresource);
            var target = string.IsNullOrEmpty(subresource) ? resource : resource + "/" + subresource;
            return span.Name.Contains(resource, StringComparison.Ordinal) ? span.Name : span.Name + " " + target;
        }
        return span.Name;
    }

    /// <summary><c>error: message</c>, else the HTTP status or gRPC status when the span has one, else <c>ok</c>.</summary>
    public static string Status(ScannedSpan span, ScannedAttributes attributes)
    {
        if (span.IsError) return "error" + (span.StatusMessage is { } message ? ": " + message : "");
        return attributes.Get(span, K8sKeys.HttpStatusCode) ?? attributes.Get(span, K8sKeys.RpcStatus) ?? "ok";
    }
}
