namespace Kubetrace.Kubernetes.Semantics;

/// <summary>
/// Kubetrace's one vocabulary for what Kubernetes components call by several names (see
/// <see cref="K8sVocabulary"/> for where each comes from). Semantic-convention names where one exists.
/// </summary>
public static class K8sKeys
{
    public const string Namespace = "k8s.namespace.name";
    /// <summary>The name of the object a request or span is about (apiserver <c>name</c>, a pod's name).</summary>
    public const string ObjectName = "k8s.object.name";
    public const string Resource = "k8s.resource";
    public const string Subresource = "k8s.subresource";
    public const string Verb = "k8s.verb";
    public const string ApiGroup = "k8s.api.group";
    public const string ApiVersion = "k8s.api.version";
    public const string AuditId = "k8s.audit_id";
    public const string PodName = "k8s.pod.name";
    public const string PodUid = "k8s.pod.uid";
    public const string Node = "k8s.node.name";
    public const string WebhookConfiguration = "k8s.webhook.configuration";
    public const string Webhook = "k8s.webhook.name";
    public const string AdmissionOperation = "k8s.admission.operation";
    public const string EtcdKey = "etcd.key";
    public const string Image = "container.image.name";
    public const string HttpMethod = "http.request.method";
    public const string HttpStatusCode = "http.response.status_code";
    public const string UrlPath = "url.path";
    public const string UserAgent = "user_agent.original";
    public const string RpcSystem = "rpc.system.name";
    /// <summary>Fully qualified, <c>service/method</c> (e.g. <c>etcdserverpb.KV/Range</c>) in every version.</summary>
    public const string RpcMethod = "rpc.method";
    /// <summary>The gRPC status as its name (<c>OK</c>, <c>DEADLINE_EXCEEDED</c>) in every version.</summary>
    public const string RpcStatus = "rpc.response.status_code";
}
