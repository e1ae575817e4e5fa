using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Api.Authorization;

/// <summary>
/// A cluster's traces from three namespaces and cluster-scoped requests, shaped as the components emit them: the
/// apiserver's server span (<c>http.target</c>), its handler (<c>namespace</c>, <c>name</c>, <c>resource</c>,
/// <c>url</c>), its etcd client call and etcd's server span (<c>key</c>); workloads with <c>k8s.namespace.name</c>
/// on their resource; one trace crossing from team-a into team-b; an etcd apply of a team-c key with no parent.
/// Names unique to one namespace make leaks findable as text.
/// </summary>
internal static class ThreeNamespaces
{
    public const int TeamA = 0x7a01, TeamB = 0x7b01, TeamC = 0x7c01, TeamCApply = 0x7c02, Node = 0x7d01, Crossing = 0x7e01;

    /// <summary>What a team-a reader must never see: the other namespaces, their objects and services, and the node.</summary>
    public static readonly string[] ForeignToTeamA = ["team-b", "team-c", "secret-object-b", "payroll-c", "payments-b", "ledger-c", "worker-7"];

    /// <summary>What a team-a reader does see somewhere in the sweep (so that a sweep of empty answers fails).</summary>
    public static readonly string[] TeamAValues = ["team-a", "app-a-0", "frontend-a"];

    public static readonly int[] Traces = [TeamA, TeamB, TeamC, TeamCApply, Node, Crossing];

    public static readonly string[] Objects = ["team-a/app-a-0", "team-b/secret-object-b", "team-c/payroll-c", "worker-7"];

    public static readonly string[] Services = ["kube-apiserver", "etcd", "frontend-a", "payments-b", "ledger-c"];

    public static string Hex(int trace) => $"{trace:x32}";

    public static ExportTraceServiceRequest Request() => Spans.Request(
    [
        .. ApiserverRequest(TeamA, 0, "/api/v1/namespaces/team-a/pods/app-a-0", "team-a", "app-a-0", "pods", "/registry/pods/team-a/app-a-0"),
        .. ApiserverRequest(TeamB, 100, "/apis/apps/v1/namespaces/team-b/deployments/secret-object-b", "team-b", "secret-object-b",
            "deployments", "/registry/deployments/team-b/secret-object-b"),
        .. ApiserverRequest(Node, 200, "/api/v1/nodes/worker-7", "", "worker-7", "nodes", "/registry/minions/worker-7"),
        Workload("ledger-c", "team-c",
            Spans.Span(TeamC, 1, 0, "POST /ledger", 300, 20, ("job.name", "payroll-c")),
            Spans.Span(TeamC, 2, 1, "INSERT ledger", 305, 10)),
        Spans.Resource("etcd", Spans.Span(TeamCApply, 1, 0, "apply", 350, 2, ("key", "/registry/configmaps/team-c/payroll-c"))),
        Workload("frontend-a", "team-a",
            Spans.Span(Crossing, 1, 0, "GET /checkout", 400, 50, ("http.route", "/checkout")),
            Spans.Span(Crossing, 2, 1, "POST /charge", 405, 40)),
        Workload("payments-b", "team-b",
            Spans.Span(Crossing, 3, 2, "POST /charge", 406, 38, ("billing.account", "secret-object-b")),
            Spans.Span(Crossing, 4, 3, "charge card", 410, 30)),
    ]);

    /// <summary>The apiserver serving a request (server span, handler, etcd client call) and etcd's server span.</summary>
    private static IEnumerable<ResourceSpans> ApiserverRequest(int trace, long at, string path, string ns, string name, string resource, string key)
    {
        yield return Spans.Resource("kube-apiserver",
            Spans.Span(trace, 1, 0, "KubernetesAPI", at, 20, ("http.target", path), ("http.method", "GET")),
            Spans.Span(trace, 2, 1, "Get", at + 1, 18, ("namespace", ns), ("name", name), ("resource", resource), ("verb", "GET"), ("url", path)),
            Spans.Span(trace, 3, 2, "etcdserverpb.KV/Range", at + 2, 5, ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.KV"), ("rpc.method", "Range")));
        yield return Spans.Resource("etcd", Spans.Span(trace, 4, 3, "etcdserverpb.KV/Range", at + 3, 3, ("key", key)));
    }

    /// <summary>A workload's resource: its service and namespace (<c>k8s.namespace.name</c>).</summary>
    public static ResourceSpans Workload(string service, string ns, params Span[] spans)
    {
        var resource = Spans.Resource(service, spans);
        resource.Resource.Attributes.Add(Spans.Attr("k8s.namespace.name", ns));
        return resource;
    }
}
