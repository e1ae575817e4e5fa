using System.Globalization;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// What happens in the cluster, one story at a time: a pod start (deployer creates it, the scheduler binds it, the
/// kubelet starts it and reports its status: four apiserver requests in four traces), a Deployment rollout (the
/// whole flow of one action, <see cref="DeploymentRollout"/>), a pod deletion (and the kubelet terminating it), or
/// one request of the background traffic of kubelets, controllers, an operator, kubectl, an event exporter and a CI
/// job: reads (some answered by the watch cache), writes, events, secrets, and watches (about one request in
/// fifteen). Each story says how many apiserver requests it made, so that the arrival rate counts requests.
/// Timer-driven work (<see cref="PeriodicWork"/>) runs as the clock passes it.
/// </summary>
internal sealed class ClusterTraffic
{
    private const string NameChars = "bcdfghjklmnpqrstvwxz2456789";

    private readonly SimulationContext _sim;
    private readonly ClientCallWriter _calls;
    private readonly KubeletWriter _kubelet;
    private readonly PeriodicWork _periodic;
    private readonly DeploymentRollout _rollout;
    private readonly (int Weight, Func<long, int> Write)[] _stories;
    private readonly int _totalWeight;

    public ClusterTraffic(SimulationContext sim)
    {
        _sim = sim;
        var apiserver = new ApiserverWriter(sim);
        _calls = new ClientCallWriter(sim, apiserver);
        _kubelet = new KubeletWriter(sim, _calls);
        _periodic = new PeriodicWork(sim, apiserver.Etcd);
        _rollout = new DeploymentRollout(sim, _calls, _kubelet);
        var cluster = sim.Cluster;
        _stories =
        [
            (6, PodStart),
            (2, PodDelete),
            (1, t => { var (app, image) = Workload(); return _rollout.Write(Namespace(), app, image, t); }),
            (8, t => { var n = Node(); return One(ApiVerb.Get, ApiResource.Pods, "", PodName(Workload().App), n.Caller, t); }),
            (6, t => { var n = Node(); return Cluster(ApiVerb.Patch, ApiResource.Nodes, "status", n.Name, n.Caller, t); }),
            (10, t => { var n = Node(); return Call(new ApiCall(ApiVerb.Update, ApiResource.Leases, "", "kube-node-lease", n.Name, n.Caller), t); }),
            (8, t => One(ApiVerb.Get, ApiResource.ConfigMaps, "", Workload().App + "-config", cluster.Operator, t)),
            (3, t => One(ApiVerb.List, ApiResource.ConfigMaps, "", "", cluster.Operator, t)),
            (6, t => One(ApiVerb.Update, ApiResource.ConfigMaps, "", Workload().App + "-config", cluster.Operator, t)),
            (3, t => One(ApiVerb.Create, ApiResource.ConfigMaps, "", $"{Workload().App}-settings-{Suffix()}", cluster.Operator, t)),
            (8, t => One(ApiVerb.Get, ApiResource.ReplicaSets, "", ReplicaSetName(Workload().App), SimulatedCluster.ControllerManager, t)),
            (5, t => One(ApiVerb.Update, ApiResource.Deployments, "status", Workload().App, SimulatedCluster.ControllerManager, t)),
            (5, t => One(ApiVerb.Get, ApiResource.Pods, "", PodName(Workload().App), SimulatedCluster.Kubectl, t)),
            (3, t => One(ApiVerb.List, ApiResource.Deployments, "", "", SimulatedCluster.Kubectl, t)),
            (4, t => One(ApiVerb.Patch, ApiResource.Deployments, "", Workload().App, SimulatedCluster.Kubectl, t)),
            (8, t => One(ApiVerb.List, ApiResource.Pods, "", "", SimulatedCluster.LoadTester, t)),
            // An informer's relist: resourceVersion=0, answered by the watch cache.
            (2, t => Cluster(ApiVerb.List, ApiResource.ReplicaSets, "", "", SimulatedCluster.ControllerManager, t, resourceVersion: "0")),
            // Watches: informers of kubelets (their node's pods), controllers and the operator; the event exporter's reaches etcd.
            // Few, as in a real cluster, where each informer re-watches every 5 to 10 minutes: each holds its spans until it closes.
            (3, t => Watch(ApiResource.Pods, "", Node().Caller, t)),
            (2, t => Watch(_sim.Random.Chance(0.5) ? ApiResource.ReplicaSets : ApiResource.Deployments, "", SimulatedCluster.ControllerManager, t)),
            (2, t => Watch(ApiResource.ConfigMaps, Namespace(), cluster.Operator, t)),
            (1, t => Watch(ApiResource.Events, "", SimulatedCluster.EventExporter, t)),
            // Events (no watch cache, written with a TTL lease) and secrets (encrypted at rest when KMS is on).
            (4, t => { var n = Node(); return One(ApiVerb.Create, ApiResource.Events, "", $"{PodName(Workload().App)}.{_sim.Random.NextUInt64():x16}", n.Caller, t); }),
            (1, t => One(ApiVerb.List, ApiResource.Events, "", "", SimulatedCluster.Kubectl, t)),
            (4, t => One(ApiVerb.Get, ApiResource.Secrets, "", Workload().App + "-credentials", cluster.Operator, t)),
            (2, t => One(ApiVerb.Update, ApiResource.Secrets, "", Workload().App + "-credentials", cluster.Operator, t)),
            (1, t => One(ApiVerb.Create, ApiResource.Secrets, "", $"{Workload().App}-token-{Suffix()}", cluster.Deployer, t)),
            (1, t => One(ApiVerb.List, ApiResource.Secrets, "", "", cluster.Operator, t)),
            // Aggregated API reads, proxied to metrics-server: the HPA controller's and an admin's kubectl top.
            (2, t => One(ApiVerb.List, ApiResource.PodMetrics, "", "", SimulatedCluster.ControllerManager, t)),
            (1, t => One(ApiVerb.Get, ApiResource.PodMetrics, "", PodName(Workload().App), cluster.Deployer, t)),
        ];
        _totalWeight = _stories.Sum(s => s.Weight);
    }

    /// <summary>Writes the next story, starting at <paramref name="start"/>; returns how many apiserver requests it made.</summary>
    public int WriteNext(long start)
    {
        _periodic.WriteDue(start);
        var pick = _sim.Random.Next(_totalWeight);
        foreach (var (weight, write) in _stories)
        {
            if (pick < weight) return write(start);
            pick -= weight;
        }
        throw new InvalidOperationException("story weights do not add up");
    }

    private int PodStart(long start)
    {
        var random = _sim.Random;
        var ns = Namespace();
        var (app, image) = Workload();
        var pod = PodName(app);
        var created = _calls.Call(new ApiCall(ApiVerb.Create, ApiResource.Pods, "", ns, pod, _sim.Cluster.Deployer), start);
        if (created.Failed) return 1;
        var bound = _calls.Call(new ApiCall(ApiVerb.Create, ApiResource.Pods, "binding", ns, pod, SimulatedCluster.Scheduler),
            created.End + random.Micros(2_000, 30_000));
        if (bound.Failed) return 2;
        var node = Node();
        var synced = _kubelet.SyncPod(node, ns, pod, random.Uuid(), app, image, bound.End + random.Micros(5_000, 60_000));
        _calls.Call(new ApiCall(ApiVerb.Patch, ApiResource.Pods, "status", ns, pod, node.Caller), synced + random.Micros(5_000, 50_000));
        return 4;
    }

    /// <summary>The deployer deletes a pod (a graceful delete); its node's kubelet then stops it and reports it.</summary>
    private int PodDelete(long start)
    {
        var random = _sim.Random;
        var ns = Namespace();
        var pod = PodName(Workload().App);
        var deleted = _calls.Call(new ApiCall(ApiVerb.Delete, ApiResource.Pods, "", ns, pod, _sim.Cluster.Deployer), start);
        if (deleted.Failed) return 1;
        return 1 + _kubelet.TerminatePod(Node(), ns, pod, random.Uuid(), deleted.End + random.Micros(5_000, 80_000));
    }

    /// <summary>An informer's watch from the resourceVersion its list returned, for the 5 to 10 minutes client-go asks for.</summary>
    private int Watch(ApiResource resource, string ns, ApiCaller caller, long start)
    {
        var random = _sim.Random;
        var resourceVersion = random.Between(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
        // The simulated controller-manager's informers ask for streaming lists (sendInitialEvents) from 1.36: its
        // watches show 1.36's WatchList spans; everyone else's are plain watches.
        var streaming = caller == SimulatedCluster.ControllerManager && _sim.Options.KubernetesVersion.StreamingListSpans;
        return Call(new ApiCall(ApiVerb.Watch, resource, "", ns, "", caller, streaming ? "" : resourceVersion)
            { WatchTimeoutSeconds = (int)random.Between(300, 600), StreamingList = streaming }, start);
    }

    private int One(ApiVerb verb, ApiResource resource, string subresource, string name, ApiCaller caller, long start) =>
        Call(new ApiCall(verb, resource, subresource, Namespace(), name, caller), start);

    private int Cluster(ApiVerb verb, ApiResource resource, string subresource, string name, ApiCaller caller, long start, string resourceVersion = "") =>
        Call(new ApiCall(verb, resource, subresource, "", name, caller, resourceVersion), start);

    private int Call(ApiCall call, long start)
    {
        _calls.Call(call, start);
        return 1;
    }

    private string Namespace() => _sim.Random.Pick(_sim.Cluster.Namespaces);

    private SimulatedNode Node() => _sim.Random.Pick(_sim.Cluster.Nodes);

    private (string App, string Image) Workload() => _sim.Random.Pick(SimulatedCluster.Workloads);

    /// <summary>A Deployment's ReplicaSet, named with a hash of its pod template (fixed per app here).</summary>
    private static string ReplicaSetName(string app)
    {
        var hash = 2166136261u; // FNV-1a: string.GetHashCode differs between processes
        foreach (var c in app) hash = (hash ^ c) * 16777619;
        return $"{app}-{hash & 0xFFFFFF:x6}";
    }

    private string PodName(string app) => $"{ReplicaSetName(app)}-{Suffix()}";

    private string Suffix() => string.Create(5, _sim.Random, static (chars, random) =>
    {
        for (var i = 0; i < chars.Length; i++) chars[i] = NameChars[random.Next(NameChars.Length)];
    });
}
