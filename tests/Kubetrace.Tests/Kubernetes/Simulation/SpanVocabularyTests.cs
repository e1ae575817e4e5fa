using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// The simulator emits, per Kubernetes version, exactly the span names and attribute keys of the table below for
/// the spans the catalog (docs/catalog.md, read from the upstream source) does not describe yet: every expected
/// span appears with exactly its keys, and nothing else appears. Spans the catalog describes (kube-apiserver's
/// request path) are held to it by <see cref="ApiserverCatalogConformanceTests"/>, the storage layer's and etcd's by
/// <see cref="StorageCatalogConformanceTests"/>; as the catalog grows, rows leave this table.
/// </summary>
public sealed class SpanVocabularyTests
{
    private const string Server = nameof(Span.Types.SpanKind.Server), Client = nameof(Span.Types.SpanKind.Client), Internal = nameof(Span.Types.SpanKind.Internal);

    /// <summary>The apiserver's HTTP server span from 1.31: method and templated route, checked apart from the table.</summary>
    private const string RouteName = "<METHOD> <route>";

    private static readonly string[] OldRpc = ["rpc.system", "rpc.service", "rpc.method", "rpc.grpc.status_code"];
    private static readonly string[] NewRpc = ["rpc.system.name", "rpc.method", "rpc.response.status_code"];
    // otelhttp's client span as client-go's wrapped transport records it (SemanticConventions.HttpClient cites the lines):
    // 0.35.1 (1.27) with otel 1.10's semconv, 0.53/0.58 (1.31, 1.34) semconvutil's ClientRequest, 0.65 (1.36) the
    // stable conventions (no user agent); a request with a body adds its length, a stable-conventions failure its error.type.
    private static readonly string[] Http112Client = ["http.url", "http.user_agent", "http.scheme", "http.host", "http.flavor", "http.method", "http.status_code"];
    private static readonly string[] Http120Client = ["http.method", "http.url", "net.peer.name", "user_agent.original", "http.status_code"];
    private static readonly string[] NewHttpClient = ["http.request.method", "url.full", "server.address", "network.protocol.version", "http.response.status_code"];
    private static readonly string[] SyncPod = ["k8s.pod.uid", "k8s.pod", "k8s.pod.name", "k8s.pod.update_type", "k8s.namespace.name"];
    private static readonly string[] PodTermination = ["k8s.pod.uid", "k8s.pod", "k8s.pod.name", "k8s.namespace.name"];

    /// <summary>The version's differences: server span name and keys, filter spans, HTTP and RPC conventions, containerd.</summary>
    public static TheoryData<string> Versions => new("1.27", "1.31", "1.34", "1.36");

    /// <summary>Each version with its usual etcd (3.5 before 1.34, then 3.6), and etcd 3.7, which adds its own spans.</summary>
    public static TheoryData<string, string?> VersionsAndEtcd => new()
    {
        { "1.27", null }, { "1.31", null }, { "1.34", null }, { "1.36", null }, { "1.34", "3.7" }, { "1.36", "3.7" },
    };

    private static Dictionary<(string Service, string Kind, string Name), string[]> Expected(string version, string? etcd)
    {
        var (http, rpc) = version switch
        {
            "1.27" => (Http112Client, OldRpc),
            "1.31" or "1.34" => (Http120Client, OldRpc),
            "1.36" => (NewHttpClient, NewRpc),
            _ => throw new ArgumentException(version),
        };
        // A write sends a body (client-go sets its Content-Length): the old conventions record its length.
        string[] write = version == "1.36" ? http : [.. http, "http.request_content_length"];
        // The failing webhook answers 500 to some creates: the stable conventions record error.type on a 4xx/5xx.
        string[] failingCreate = version == "1.36" ? [.. write, "error.type"] : write;
        var (kubeletMethod, kubeletStatus) = version == "1.36" ? ("http.request.method", "http.response.status_code") : ("http.method", "http.status_code");
        var table = new Dictionary<(string, string, string), string[]>
        {
            [("kubelet", Internal, "syncTerminatingPod")] = PodTermination,
            [("kubelet", Internal, "syncTerminatedPod")] = PodTermination,
            [("kubelet", Internal, "Containers/GarbageCollect")] = [],
            [("kubelet", Internal, "Images/GarbageCollect")] = [],
            [("kubelet", Server, "/stats/summary")] = [kubeletMethod, "http.route", kubeletStatus, "user_agent.original"],
            [("kubelet", Internal, "syncPod")] = SyncPod,
            [("kubelet", Client, "HTTP GET")] = http,
            [("kubelet", Client, "HTTP PATCH")] = write,
            [("kubelet", Client, "HTTP PUT")] = write,
            [("kubelet", Client, "HTTP POST")] = write, // events
            // Traced clients of the simulated cluster (not Kubernetes components): plain otelhttp client spans.
            [("config-operator", Client, "HTTP GET")] = http,
            [("config-operator", Client, "HTTP PUT")] = write,
            [("config-operator", Client, "HTTP POST")] = failingCreate,
            [("platform-deployer", Client, "HTTP POST")] = failingCreate,
            [("platform-deployer", Client, "HTTP GET")] = http, // kubectl top: pod metrics through the aggregation layer
            [("platform-deployer", Client, "HTTP DELETE")] = write,
            [("platform-deployer", Client, "HTTP PATCH")] = write, // a Deployment rollout: the pod template patched
        };
        return table;
    }

    private static SimulatedSpans Simulate(string version, string? etcd = null) => SimulatedSpans.Run(new SimulationOptions
    {
        KubernetesVersion = KubernetesVersion.Parse(version),
        Etcd = etcd is null ? null : EtcdVersions.TryParse(etcd, out var e) ? e : throw new ArgumentException(etcd),
        KmsEncryption = true,
        RequestsPerSecond = 100,
        Duration = TimeSpan.FromSeconds(20),
        Scenarios = SimulationScenario.SlowWebhook | SimulationScenario.FailingWebhook | SimulationScenario.EtcdSlow |
                    SimulationScenario.ImagePullSlow | SimulationScenario.ApfThrottling,
    });

    [Theory]
    [MemberData(nameof(VersionsAndEtcd))]
    public void Every_span_kind_has_exactly_the_names_and_attribute_keys_of_its_version(string version, string? etcd)
    {
        // The kubelet's CRI calls and containerd are held to the catalog by NodeCatalogTests.
        var spans = Simulate(version, etcd).Spans.Where(s => s.Service != "containerd" && !s.Name.StartsWith("runtime.v1.", StringComparison.Ordinal));
        var expected = Expected(version, etcd);

        var actual = spans
            .Where(s => !(s.Service == "apiserver" && ApiserverCatalog.Spans.Any(shape => shape.NameMatches(s.Name))))
            .Where(s => !StorageCatalogConformanceTests.IsStorageOrEtcd(s)) // held to the catalog there
            .GroupBy(s => (s.Service, s.Kind.ToString(), Name(s)))
            .ToDictionary(g => g.Key, g => g.SelectMany(s => s.AttributeKeys).ToHashSet());

        Assert.Empty(actual.Keys.Except(expected.Keys).Select(k => $"unexpected span {k}"));
        Assert.Empty(expected.Keys.Except(actual.Keys).Select(k => $"missing span {k}"));
        foreach (var (key, keys) in expected)
        {
            var emitted = actual[key];
            Assert.True(emitted.SetEquals(keys),
                $"{key}: emitted [{string.Join(", ", emitted.Order())}], expected [{string.Join(", ", keys.Order())}]");
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void The_apiservers_server_span_is_KubernetesAPI_before_131_and_a_templated_route_after(string version)
    {
        var names = Simulate(version).Of("apiserver").Where(s => s.Kind == Span.Types.SpanKind.Server).Select(s => s.Name).ToHashSet();

        if (version == "1.27")
        {
            Assert.Equal(["KubernetesAPI"], names);
            return;
        }
        Assert.Subset(names, new HashSet<string>
        {
            "GET /api/v1/namespaces/{:namespace}/pods/{:name}", "GET /api/v1/namespaces/{:namespace}/pods",
            "POST /api/v1/namespaces/{:namespace}/pods/{:name}/binding", "PATCH /api/v1/nodes/{:name}/status",
            "PUT /apis/coordination.k8s.io/v1/namespaces/{:namespace}/leases/{:name}",
            "PATCH /apis/apps/v1/namespaces/{:namespace}/deployments/{:name}",
        });
        Assert.All(names, name => Assert.Matches(@"^(GET|POST|PUT|PATCH|DELETE) /apis?/[a-z0-9./]+(/namespaces/\{:namespace\})?/[a-z]+(/\{:name\}(/[a-z]+)?)?$", name));
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.34")]
    public void Resources_name_the_component_and_kubelets_their_host(string version)
    {
        var simulated = SimulatedSpans.Run(new SimulationOptions { KubernetesVersion = KubernetesVersion.Parse(version), Duration = TimeSpan.FromSeconds(10), Nodes = 2 });

        Assert.All(simulated.Of("kubelet"), s => Assert.Matches("^worker-[12]$", s.HostName));
        Assert.All(simulated.Of("etcd"), s => Assert.Null(s.HostName));
        var apiserver = simulated.Batches.First(b => b.Service == "apiserver").Request.ResourceSpans[0].Resource;
        Assert.Matches("^apiserver-[a-z2-7]{26}$", apiserver.Attributes.Single(a => a.Key == "service.instance.id").Value.StringValue); // 16 hash bytes (config.go)
    }

    private static string Name(EmittedSpan span) =>
        span.Service == "apiserver" && span.Kind == Span.Types.SpanKind.Server && span.Name != "KubernetesAPI" ? RouteName : span.Name;
}
