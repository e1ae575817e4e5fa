using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// One step of a Deployment's start-up as the flow analysis reads it: who does it, whether that component traces,
/// and what in the spans joins the step to the action (the only joins <c>analyze flow</c> uses).
/// </summary>
public sealed record FlowStepSource(string Step, string Emitter, string Traces, string JoinedBy, IReadOnlyList<SourceRef> Sources);

/// <summary>
/// What each component of the flow of one action emits that allows a join, from the upstream source (1.27–1.36).
/// kube-scheduler and kube-controller-manager do not trace: no tracer provider, no tracing field in their
/// configuration, clients built without component-base's <c>tracing.WrapperFor</c>. Their work is seen only as
/// the apiserver's server spans of their requests (roots: they send no traceparent), named by the handler span's
/// attributes (namespace, name, resource, subresource, verb, user-agent) and the storage span's etcd key.
/// </summary>
public static class FlowCatalog
{
    private static SourceRef Apiserver(int minor, string path, int line, string what) => new("kubernetes/apiserver", $"v0.{minor}.0", path, line, what);

    private static SourceRef Scheduler(int minor, string path, int line, string what) => new("kubernetes/kube-scheduler", $"v0.{minor}.0", path, line, what);

    private static SourceRef ControllerManager(int minor, string path, int line, string what) =>
        new("kubernetes/controller-manager", $"v0.{minor}.0", path, line, what);

    /// <summary>kubernetes/kubernetes (too big to mirror) at the commit the search index stores cmd/kube-scheduler at.</summary>
    private static SourceRef SchedulerCommand(string path, int line, string what) =>
        new("kubernetes/kubernetes", "008b3652959ca58af8be3fb5b6ecfe9ae7638282", path, line, what);

    /// <summary>The sources of a span the kubelet or containerd catalog already cites: one citation for one fact.</summary>
    private static IReadOnlyList<SourceRef> SpanSources(string component, string name, SpanKind kind) =>
        SpanCatalog.Spans.First(s => s.Component == component && s.Name == name && s.Kind == kind).Sources;

    private const string CriMethods = "<runtime.v1.RuntimeService|ImageService>/<Method>";

    private static readonly SourceRef[] HandlerAttributes =
    [
        Apiserver(34, "pkg/endpoints/handlers/trace_util.go", 25, "traceFields: accept, audit-id, client, api-group, api-version, name, subresource, namespace, protocol, resource, scope, url, user-agent, verb"),
        Apiserver(34, "pkg/endpoints/handlers/helpers.go", 194, "verb = metrics.NormalizedVerb: POST, PUT, PATCH, APPLY, ..."),
        Apiserver(27, "pkg/endpoints/handlers/trace_util.go", 35, "1.27: the verb attribute already set"),
    ];

    public static IReadOnlyList<FlowStepSource> Steps { get; } =
    [
        new("Deployment write", "the client (kubectl, a deployment tool)", "only if the client traces (kubectl does not): its otelhttp client span is the server span's parent for system:masters callers from 1.33, else linked",
            "handler span: resource deployments, namespace, name, verb PATCH/PUT/POST/APPLY; the client span by parent or link", HandlerAttributes),
        new("ReplicaSet create", "kube-controller-manager's deployment controller", "no: kube-controller-manager has no tracer provider; its clients carry no otelhttp transport",
            "the apiserver's root trace: handler span resource replicasets, verb POST (no name: a create names the collection), storage span key /registry/replicasets/<ns>/<deployment>-<pod-template-hash>; user-agent kube-controller-manager/... /<controller or service account>",
            [
                ControllerManager(27, "config/v1alpha1/types.go", 25, "GenericControllerManagerConfiguration: no tracing field (same at v0.34.0, v0.36.0)"),
                ControllerManager(34, "pkg/clientbuilder/client_builder.go", 47, "SimpleControllerClientBuilder: rest.AddUserAgent(config, controller name), no tracing.WrapperFor"),
                ControllerManager(34, "pkg/clientbuilder/client_builder_dynamic.go", 243, "service-account clients: AddUserAgent(config, system:serviceaccount:kube-system:<controller>)"),
            ]),
        new("Pod create", "kube-controller-manager's replicaset controller", "no (as above)",
            "the apiserver's root trace: storage span key /registry/pods/<ns>/<replicaset>-<5 characters> (generateName)",
            [
                Apiserver(34, "pkg/storage/names/generate.go", 45, "randomLength = 5: generateName + 5 random characters"),
                Apiserver(34, "pkg/registry/rest/create.go", 107, "the name is generated at create time, after the request path was read"),
            ]),
        new("Binding", "kube-scheduler (DefaultBinder: Pods(ns).Bind)", "no: no tracer provider in cmd/kube-scheduler, no tracing field in KubeSchedulerConfiguration, clients without tracing.WrapperFor",
            "the apiserver's root trace: handler span resource pods, subresource binding, name the pod; user-agent kube-scheduler/.../scheduler",
            [
                Scheduler(27, "config/v1/types.go", 43, "KubeSchedulerConfiguration: no tracing field"),
                Scheduler(34, "config/v1/types.go", 44, "KubeSchedulerConfiguration: no tracing field (same at v0.36.0)"),
                SchedulerCommand("cmd/kube-scheduler/app/options/options.go", 400,
                    "createClients: clientset.NewForConfig(restclient.AddUserAgent(kubeConfig, \"scheduler\")), no Wrap(tracing.WrapperFor)"),
            ]),
        new("syncPod", "kubelet", "yes, with the KubeletTracing gate (beta, on from 1.27) and a tracing block in its configuration; ParentBased(TraceIDRatioBased): syncPod is a root, kept at kubelet's rate",
            "k8s.pod (namespace/name), k8s.pod.uid, k8s.pod.name, k8s.namespace.name on syncPod",
            SpanSources("kubelet", KubeletNames.SyncPod, SpanKind.Internal)),
        new("CRI calls", "kubelet's CRI client (otelgrpc)", "yes, children of syncPod in 1.27 and 1.30+; roots naming no pod in 1.28–1.29 (context.TODO: kubernetes#121192, fixed by #122087), which the flow cannot join",
            "parent span (syncPod)", SpanSources("kubelet", CriMethods, SpanKind.Client)),
        new("containerd's spans", "containerd (tracing plugin)", "yes when its OTLP tracing plugin is configured; 1.6 and 1.7.16+ sample by trace ID ratio alone, so a span under a kept CRI call may be dropped",
            "parent span: the CRI call's traceparent, propagated by otelgrpc", SpanSources("containerd", CriMethods, SpanKind.Server)),
        new("Status updates", "kubelet's status manager; the replicaset and deployment controllers", "kubelet: yes (a root: the status manager calls with a context of its own); controllers: no",
            "handler span: pods/status, replicasets/status, deployments/status with namespace and name", HandlerAttributes),
    ];
}
