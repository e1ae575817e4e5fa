using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// What a simulation planted and emitted, so that tests and the demo can check analyses against it. Durations are
/// written to JSON as milliseconds (<c>...Ms</c>). Counts cover every simulated request, sampled or not; span,
/// trace and batch counts cover what was emitted.
/// </summary>
public sealed class SimulationReport
{
    public required string KubernetesVersion { get; init; }

    public required string ContainerdVersion { get; init; }

    /// <summary><c>3.5</c>, <c>3.6</c> or <c>3.7</c>.</summary>
    public string? EtcdVersion { get; init; }

    /// <summary>Whether secrets were encrypted with a KMS v2 provider (envelope transformer spans on their storage calls).</summary>
    public bool KmsEncryption { get; init; }

    /// <summary>The apiserver's <c>--watch-cache-sizes</c> in effect (<c>secrets#0</c>: secrets have no watch cache); empty: the default.</summary>
    public IReadOnlyList<string> WatchCacheSizes { get; init; } = [];

    public required ulong Seed { get; init; }

    /// <summary>The run identity that, with the seed and start, keys the trace IDs (<see cref="SimulationOptions.RunId"/>).</summary>
    public ulong RunId { get; init; }

    public required IReadOnlyList<string> Scenarios { get; init; }

    public required DateTimeOffset Start { get; init; }

    public required DateTimeOffset End { get; init; }

    public required double RequestsPerSecond { get; init; }

    public required int SamplingRatePerMillion { get; init; }

    public required int ContainerdSamplingRatePerMillion { get; init; }

    public required int Nodes { get; init; }

    public required int Namespaces { get; init; }

    public PlantedSlowWebhook? SlowWebhook { get; init; }

    public PlantedFailingWebhook? FailingWebhook { get; init; }

    public PlantedSlowEtcd? SlowEtcd { get; init; }

    public PlantedSlowImage? SlowImage { get; init; }

    public PlantedThrottledFlow? ThrottledFlow { get; init; }

    public PlantedSlowKms? SlowKms { get; init; }

    public PlantedSlowExtension? SlowExtension { get; init; }

    /// <summary>Requests the apiserver sent itself through its loopback client (admission's quota writes), each also counted in <see cref="ApiserverRequests"/>.</summary>
    public long LoopbackRequests { get; set; }

    /// <summary>Requests the aggregation layer proxied to an extension API server.</summary>
    public long AggregatedRequests { get; set; }

    /// <summary>kube-apiserver requests simulated, sampled or not.</summary>
    public long ApiserverRequests { get; set; }

    /// <summary>Of those, the ones whose server span was recorded.</summary>
    public long SampledApiserverRequests { get; set; }

    /// <summary>Of those, the watches (long-running: their duration is how long the client stayed).</summary>
    public long Watches { get; set; }

    /// <summary>Of those, the reads the watch cache answered without reaching etcd.</summary>
    public long ReadsFromCache { get; set; }

    public long PodStarts { get; set; }

    /// <summary>Deployment rollouts (<see cref="DeploymentRollout"/>): a Deployment patched, its new ReplicaSet and pods started.</summary>
    public long DeploymentRollouts { get; set; }

    /// <summary>The first rollouts' planted truth (at most <see cref="DeploymentRollout.RecordedRollouts"/>).</summary>
    public List<RolloutTruth> Rollouts { get; init; } = [];

    public PlantedSlowScheduling? SlowScheduling { get; init; }

    public long Spans { get; set; }

    /// <summary>Recorded root spans: traces started by some component (a linked apiserver trace counts apart from its caller's).</summary>
    public long Traces { get; set; }

    /// <summary>OTLP export requests.</summary>
    public long Batches { get; set; }

    public IReadOnlyList<ComponentReport> Components { get; set; } = [];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SimulationReport FromJson(string json) =>
        JsonSerializer.Deserialize<SimulationReport>(json, Json) ?? throw new JsonException("empty simulation report");
}

/// <summary>What one component (<c>kubelet</c> on node <c>worker-1</c>) emitted.</summary>
public sealed record ComponentReport(string Service, string? Node, long Spans, long Traces, long Batches);

/// <summary>slow-webhook: every call of this webhook takes <see cref="AddedLatency"/> more; some hit the timeout (failurePolicy Ignore).</summary>
public sealed class PlantedSlowWebhook
{
    /// <summary><c>mutating</c> or <c>validating</c>.</summary>
    public required string Type { get; init; }

    public required string Configuration { get; init; }

    public required string Webhook { get; init; }

    [JsonPropertyName("addedLatencyMs"), JsonConverter(typeof(MillisecondsConverter))]
    public required TimeSpan AddedLatency { get; init; }

    [JsonPropertyName("timeoutMs"), JsonConverter(typeof(MillisecondsConverter))]
    public required TimeSpan Timeout { get; init; }

    public required double TimeoutRate { get; init; }

    public required IReadOnlyList<string> Resources { get; init; }

    public required IReadOnlyList<string> Operations { get; init; }

    public long Calls { get; set; }

    public long TimedOutCalls { get; set; }
}

/// <summary>failing-webhook: this validating webhook answers HTTP 500 to a share of calls; failurePolicy Fail makes the request fail with 500.</summary>
public sealed class PlantedFailingWebhook
{
    public required string Type { get; init; }

    public required string Configuration { get; init; }

    public required string Webhook { get; init; }

    public required string FailurePolicy { get; init; }

    public required double FailureRate { get; init; }

    public long Calls { get; set; }

    public long FailedCalls { get; set; }
}

/// <summary>etcd-slow: every etcd operation on this resource's keys takes <see cref="AddedLatency"/> more (in etcd's own server span).</summary>
public sealed class PlantedSlowEtcd
{
    public required string Resource { get; init; }

    public required string Group { get; init; }

    /// <summary>The etcd key prefix of the resource (<c>/registry/configmaps/</c>).</summary>
    public required string KeyPrefix { get; init; }

    /// <summary>group.resource, as the etcd analysis names it (<c>deployments.apps</c>, <c>configmaps</c>).</summary>
    public string GroupResource => Group.Length == 0 ? Resource : $"{Resource}.{Group}";

    [JsonPropertyName("addedLatencyMs"), JsonConverter(typeof(MillisecondsConverter))]
    public required TimeSpan AddedLatency { get; init; }

    public long Operations { get; set; }
}

/// <summary>image-pull-slow: every pull of this image takes exactly <see cref="PullTime"/> (the kubelet's CRI PullImage span).</summary>
public sealed class PlantedSlowImage
{
    public required string Image { get; init; }

    [JsonPropertyName("pullTimeMs"), JsonConverter(typeof(MillisecondsConverter))]
    public required TimeSpan PullTime { get; init; }

    /// <summary>What pulling other images takes, for comparison (the range they are drawn from).</summary>
    [JsonPropertyName("usualPullTimeMaxMs"), JsonConverter(typeof(MillisecondsConverter))]
    public required TimeSpan UsualPullTimeMax { get; init; }

    public long Pulls { get; set; }
}

/// <summary>apf-throttling: this flow's requests wait <see cref="QueueWait"/> in priority and fairness; some are rejected with 429.</summary>
public sealed class PlantedThrottledFlow
{
    public required string User { get; init; }

    public required string UserAgent { get; init; }

    public required string FlowSchema { get; init; }

    public required string PriorityLevel { get; init; }

    [JsonPropertyName("queueWaitMs"), JsonConverter(typeof(MillisecondsConverter))]
    public required TimeSpan QueueWait { get; init; }

    public required double RejectRate { get; init; }

    public long Requests { get; set; }

    public long Rejected { get; set; }
}

/// <summary>
/// kms-slow: the KMS plugin takes <see cref="AddedLatency"/> to decrypt a DEK. The apiserver calls it only for a read
/// whose DEK is not in its cache (envelope.go, <c>DekCache</c>), never for a write. By default the resource's watch
/// cache decrypts every stored object when the apiserver starts and every change after, outside any request trace,
/// so the cache is warm and no traced request waits until an entry expires (24 h). The scenario therefore also sets
/// <see cref="WatchCacheSize"/> (<c>secrets#0</c>): without a watch cache every read and update of the resource
/// decrypts inside its request, and the first of each DEK since the apiserver started (with the run) waits.
/// </summary>
public sealed class PlantedSlowKms
{
    public required string Resource { get; init; }

    /// <summary>The <c>--watch-cache-sizes</c> setting the scenario plants so that the slowness reaches request traces.</summary>
    public required string WatchCacheSize { get; init; }

    /// <summary>The encryption provider of the EncryptionConfiguration.</summary>
    public required string Provider { get; init; }

    [JsonPropertyName("addedLatencyMs"), JsonConverter(typeof(MillisecondsConverter))]
    public required TimeSpan AddedLatency { get; init; }

    /// <summary>DEK decryptions by the plugin (cache misses; each waited <see cref="AddedLatency"/>).</summary>
    public long DekDecryptions { get; set; }

    /// <summary>Requests that made at least one (reads, and updates reading the stored object first).</summary>
    public long Requests { get; set; }
}

/// <summary>Writes a duration as a JSON number of milliseconds (fractions kept).</summary>
internal sealed class MillisecondsConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TimeSpan.FromTicks((long)Math.Round(reader.GetDouble() * TimeSpan.TicksPerMillisecond));

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.Ticks / (double)TimeSpan.TicksPerMillisecond);
}

/// <summary>The slow-extension-apiserver scenario: the extension API server behind an aggregated group, and what it adds.</summary>
public sealed class PlantedSlowExtension
{
    /// <summary>The aggregated API group, e.g. <c>metrics.k8s.io</c>.</summary>
    public required string Group { get; init; }

    public required string Version { get; init; }

    /// <summary>The APIService's backend service, <c>namespace/name</c>.</summary>
    public required string Service { get; init; }

    /// <summary>The service's cluster IP and port, as the proxy's client span records it (the spans carry no service name).</summary>
    public required string ServiceAddress { get; init; }

    /// <summary>Added to every request the extension server serves (its handler's own time).</summary>
    public required TimeSpan AddedLatency { get; init; }

    /// <summary>Requests proxied to it.</summary>
    public long Requests { get; set; }
}

/// <summary>
/// One Deployment rollout as the simulator planted it: the gaps between its steps as drawn (durations in ms in
/// JSON). The apiserver's spans add their own microseconds around a traced caller's request (its client span ends
/// a little after the server span), so a gap measured from a traced caller's request may exceed the drawn one by
/// under a millisecond.
/// </summary>
public sealed class RolloutTruth
{
    public required string Namespace { get; init; }

    public required string Deployment { get; init; }

    public required string ReplicaSet { get; init; }

    public required string Image { get; init; }

    /// <summary>From the deployer's response to the ReplicaSet's create arriving.</summary>
    public TimeSpan DeploymentQueueing { get; set; }

    public List<PodTruth> Pods { get; } = [];
}

/// <summary>One pod of a rollout: what each step waited and took.</summary>
public sealed class PodTruth
{
    public required string Name { get; init; }

    public string? Node { get; set; }

    /// <summary>From the ReplicaSet create's response to this pod's create arriving.</summary>
    public TimeSpan ReplicaSetQueueing { get; set; }

    /// <summary>From the pod create's response to the binding arriving (the planted slow-scheduling delay).</summary>
    public TimeSpan SchedulingDelay { get; set; }

    /// <summary>From the binding's response to kubelet's syncPod starting.</summary>
    public TimeSpan KubeletPickup { get; set; }

    public TimeSpan Sandbox { get; set; }

    /// <summary>Every PullImage call of the start-up (sidecar and app).</summary>
    public TimeSpan ImagePull { get; set; }

    /// <summary>Every CreateContainer and StartContainer call.</summary>
    public TimeSpan ContainerStart { get; set; }

    /// <summary>From the last StartContainer's return to the kubelet's status PATCH leaving.</summary>
    public TimeSpan StatusReport { get; set; }
}

/// <summary>slow-scheduling: every rollout's pod waits this long in the scheduling queue before its binding.</summary>
public sealed class PlantedSlowScheduling
{
    public required TimeSpan Delay { get; init; }

    /// <summary>Pods that waited.</summary>
    public long Pods { get; set; }
}
