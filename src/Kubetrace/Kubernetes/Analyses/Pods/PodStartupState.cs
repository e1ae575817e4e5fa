using Kubetrace.Analysis;
using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>
/// What <c>pods</c> adds up: kubelet's <c>syncPod</c> spans that did start-up work with their CRI client calls per
/// pod, and every image pull with the image named by the span itself or by containerd's spans under it
/// (<c>image.ref</c> on 1.7's <c>pkg.cri.server.PullImage</c> / <c>pull.Pull</c>, on 2.x's server span), per image
/// and per node; with containerd 1.7 and 2.x each pull's time split into registry fetch, unpack and the rest
/// (<see cref="PullSplit"/>). Kubelet 1.28–1.29's CRI calls are roots of their own: their pulls count per image and
/// node, and a create sync without CRI calls under it is a start-up whose phases are unknown.
/// </summary>
/// <remarks>
/// Bounded: it keeps the <see cref="KeptPods"/> slowest pods whole (at most twice as many while adding); a pod
/// dropped from them leaves only its start-up time, in its node's sketch, which is all the per-node rows need.
/// Pulls are kept as sketches per image and node. So states merge (per-block rollups) and report the same slowest
/// pods, counts and percentiles as one pass — unless one pod's start-up syncs fall into two states and it is
/// dropped from one of them, when it counts twice, each time with part of its time.
/// </remarks>
public sealed class PodStartupState : IRollupState<PodStartupState>
{
    public const string SyncPod = KubeletNames.SyncPod;

    /// <summary>How many of the slowest pods a state keeps whole: the most <c>--limit</c> can list.</summary>
    public const int KeptPods = 1000;

    /// <summary>The normalised keys this state reads.</summary>
    private static readonly string[] Keys = [K8sKeys.PodUid, K8sKeys.Namespace, K8sKeys.PodName, K8sKeys.Node, K8sKeys.Image, KubeletNames.UpdateType];

    private readonly ScannedAttributes _attributes;
    private readonly Dictionary<string, PodStartupRecord> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeStartups> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImagePulls> _images = new(StringComparer.Ordinal);
    private readonly TraceSampling _sampling = new();

    public PodStartupState(TimeRange range) => _attributes = new ScannedAttributes(range, Keys).ForServices("kubelet");

    /// <summary>
    /// The per-block aggregate (<c>pods-6</c>: <c>pods-5</c> had no example start-ups of pods no longer kept whole;
    /// <c>pods-4</c> had no example traces of pulls; <c>pods-3</c> had no sample tallies; <c>pods-2</c> took fetchLayer for
    /// unpack time and had no detached CRI calls or create syncs without CRI calls; <c>pods-1</c> had no pull split).
    /// </summary>
    internal static StateRollup<PodStartupState> Rollup { get; } = new("pods-6", () => new PodStartupState(TimeRange.All));

    public SpanScanRequest ScanRequest => _attributes.Request;

    public long SpansRead { get; private set; }

    /// <summary>syncPod calls without CRI work (steady-state re-syncs), which are not start-ups.</summary>
    public long SyncsWithoutStartup { get; private set; }

    /// <summary>Pulls whose image no span names: they count for their pod and node only.</summary>
    public long UnattributedPulls { get; private set; }

    /// <summary>Pulls that containerd's spans (1.7, 2.x) split into fetch, unpack and the rest.</summary>
    public long SplitPulls { get; private set; }

    /// <summary>
    /// The kubelet's start-up CRI calls that are roots of traces of their own instead of children of a syncPod
    /// (kubelet 1.28–1.29, kubernetes#121192): their pulls count per image and node, not per pod.
    /// </summary>
    public long DetachedCriCalls { get; private set; }

    /// <summary>The sampled traces and start-up syncs the answer rests on.</summary>
    public SampleTally Sample { get; } = new();

    public IReadOnlyDictionary<string, NodeStartups> Nodes => _nodes;

    public IReadOnlyDictionary<string, ImagePulls> Images => _images;

    /// <summary>The pods kept whole, slowest first.</summary>
    internal IEnumerable<PodStartupRecord> SlowestPods => _pods.Values.OrderByDescending(p => p.TotalNanos)
        .ThenBy(p => p.Pod, StringComparer.Ordinal).ThenBy(p => p.Uid, StringComparer.Ordinal);

    public void Add(ScannedTrace trace)
    {
        SpansRead += trace.Spans.Count;
        // Most kubelet traces (apiserver calls, GC, HTTP server) hold neither: skip building their tree.
        if (!trace.Spans.Exists(s => s.Name == SyncPod || (s.ParentSpanId == 0 && s.Service == Kubelet && CriPhases.Of(s.Name) != CriPhase.None))) return;
        _sampling.Begin(trace);
        var tree = new SpanTree(trace.Spans);
        foreach (var node in tree.Nodes)
        {
            if (node.Span.Name == SyncPod) AddSyncPod(trace, node);
            else if (node.Span.ParentSpanId == 0 && node.Span.Service == Kubelet && CriPhases.Of(node.Span.Name) is var phase and not CriPhase.None)
                AddDetached(node, phase);
        }
        KeepBounded();
    }

    private const string Kubelet = "kubelet";

    /// <summary>A start-up CRI call with no syncPod above it: its pull counts for its node and image.</summary>
    private void AddDetached(SpanTree.Node call, CriPhase phase)
    {
        DetachedCriCalls++;
        if (phase == CriPhase.ImagePull) AddPull(call, _attributes.Get(call.Span, K8sKeys.Node) ?? PodsTables.UnknownNode, record: null);
    }

    private void AddSyncPod(ScannedTrace trace, SpanTree.Node sync)
    {
        var calls = sync.Descendants()
            .Where(d => d.Span.Service == sync.Span.Service) // kubelet's client side; containerd's spans are under them
            .Select(d => (Node: d, Phase: CriPhases.Of(d.Span.Name)))
            .Where(c => c.Phase != CriPhase.None)
            .ToList();
        var span = sync.Span;
        // A create sync without CRI calls under it still started the pod where the calls are detached (1.28–1.29).
        var create = _attributes.Get(span, KubeletNames.UpdateType) == KubeletNames.UpdateTypeCreate;
        if (calls.Count == 0 && !create)
        {
            SyncsWithoutStartup++;
            return;
        }
        var ns = _attributes.Get(span, K8sKeys.Namespace);
        var name = _attributes.Get(span, K8sKeys.PodName) ?? "?";
        var pod = ns is null ? name : ns + "/" + name;
        var uid = _attributes.Get(span, K8sKeys.PodUid);
        var nodeName = _attributes.Get(span, K8sKeys.Node) ?? PodsTables.UnknownNode;
        var record = RecordOf(pod, uid, nodeName);
        record.AddSync(span, trace.TraceId, _sampling);
        NodeOf(record.Node).Sample.Record(_sampling, span, span.IsError);
        Sample.Record(_sampling, span, span.IsError);
        if (calls.Count == 0) record.AddCreateWithoutCri();
        foreach (var (call, phase) in calls)
        {
            record.Add(phase, call.Span.DurationNanos, call.Span.IsError);
            if (phase == CriPhase.ImagePull) AddPull(call, record.Node, record);
        }
    }

    /// <summary>One PullImage call: for its node and image, and its pod when known.</summary>
    private void AddPull(SpanTree.Node call, string node, PodStartupRecord? record)
    {
        NodeOf(node).Pulls.Record(call.Span.DurationNanos);
        var split = PullSplit.Of(call);
        if (split is { } known)
        {
            SplitPulls++;
            record?.PullSplit.Add(known);
        }
        if (ImageOf(call) is not { } image)
        {
            UnattributedPulls++;
            return;
        }
        record?.Images.Add(image);
        ImageOf(image).Record(node, call.Span.DurationNanos, call.Span.IsError, split, _sampling, call.Span);
    }

    /// <summary>The image a PullImage call fetched: named on the call, else by containerd's spans under it.</summary>
    private string? ImageOf(SpanTree.Node pull) =>
        _attributes.Get(pull.Span, K8sKeys.Image)
        ?? pull.Descendants().Select(d => _attributes.Get(d.Span, K8sKeys.Image)).FirstOrDefault(i => i is not null);

    public void Merge(PodStartupState other)
    {
        SpansRead += other.SpansRead;
        SyncsWithoutStartup += other.SyncsWithoutStartup;
        UnattributedPulls += other.UnattributedPulls;
        SplitPulls += other.SplitPulls;
        DetachedCriCalls += other.DetachedCriCalls;
        Sample.Merge(other.Sample);
        foreach (var (name, theirs) in other._nodes) NodeOf(name).Merge(theirs);
        foreach (var (image, theirs) in other._images) ImageOf(image).Merge(theirs);
        foreach (var record in other._pods.Values) RecordOf(record.Pod, record.Uid, record.Node).Merge(record);
        KeepBounded();
    }

    /// <summary>Writes the <see cref="KeptPods"/> slowest pods whole; the others leave their start-up time in their node's sketch.</summary>
    void IRollupState<PodStartupState>.WriteTo(ByteWriter writer)
    {
        Drop(_pods.Count - KeptPods);
        writer.WriteVarint(SpansRead);
        writer.WriteVarint(SyncsWithoutStartup);
        writer.WriteVarint(UnattributedPulls);
        writer.WriteVarint(SplitPulls);
        writer.WriteVarint(DetachedCriCalls);
        Sample.WriteTo(writer);
        writer.WriteEach(_nodes, node =>
        {
            writer.WriteString(node.Key);
            node.Value.WriteTo(writer);
        });
        writer.WriteEach(_images, image =>
        {
            writer.WriteString(image.Key);
            image.Value.WriteTo(writer);
        });
        writer.WriteEach(_pods.Values, record => record.WriteTo(writer));
    }

    static PodStartupState IRollupState<PodStartupState>.ReadFrom(ByteReader reader)
    {
        var state = new PodStartupState(TimeRange.All)
        {
            SpansRead = reader.ReadLong(), SyncsWithoutStartup = reader.ReadLong(), UnattributedPulls = reader.ReadLong(),
            SplitPulls = reader.ReadLong(), DetachedCriCalls = reader.ReadLong(),
        };
        state.Sample.MergeFrom(reader);
        reader.ReadEach(() => state.NodeOf(reader.ReadString()).MergeFrom(reader));
        reader.ReadEach(() => state.ImageOf(reader.ReadString()).MergeFrom(reader));
        reader.ReadEach(() =>
        {
            var record = PodStartupRecord.ReadFrom(reader);
            state.RecordOf(record.Pod, record.Uid, record.Node).Merge(record);
        });
        return state;
    }

    /// <summary>The record of a pod (by UID, else namespace/name), new when this state holds none.</summary>
    private PodStartupRecord RecordOf(string pod, string? uid, string node)
    {
        var key = uid ?? pod;
        if (_pods.TryGetValue(key, out var record)) return record;
        _pods.Add(key, record = new PodStartupRecord(pod, uid, node));
        NodeOf(node); // the per-node rows list every node with a start-up, with or without pulls
        return record;
    }

    private void KeepBounded()
    {
        if (_pods.Count > 2 * KeptPods) Drop(_pods.Count - KeptPods);
    }

    /// <summary>Drops the <paramref name="count"/> fastest pods, keeping their start-up time in their node's sketch and examples.</summary>
    private void Drop(int count)
    {
        if (count <= 0) return;
        foreach (var record in _pods.Values.OrderBy(p => p.TotalNanos).ThenByDescending(p => p.Pod, StringComparer.Ordinal)
                     .ThenByDescending(p => p.Uid, StringComparer.Ordinal).Take(count).ToList())
        {
            var node = NodeOf(record.Node);
            node.DroppedStartups.Record(record.TotalNanos);
            node.DroppedExamples.Record(record.FirstTrace, ExampleTraces.WholeTrace, record.TotalNanos);
            _pods.Remove(record.Uid ?? record.Pod);
        }
    }

    private NodeStartups NodeOf(string node)
    {
        if (!_nodes.TryGetValue(node, out var startups)) _nodes.Add(node, startups = new NodeStartups());
        return startups;
    }

    private ImagePulls ImageOf(string image)
    {
        if (!_images.TryGetValue(image, out var pulls)) _images.Add(image, pulls = new ImagePulls());
        return pulls;
    }
}
