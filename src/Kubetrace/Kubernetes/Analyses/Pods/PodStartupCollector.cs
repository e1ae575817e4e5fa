using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>
/// Scan visitor for <c>pods</c>: finds kubelet's <c>syncPod</c> spans that did start-up work, adds their CRI
/// client calls up per pod, and records every image pull with the image named by the span itself or by
/// containerd's spans under it (<c>image.ref</c> on <c>pkg.cri.server.PullImage</c> / <c>pull.Pull</c>).
/// </summary>
public sealed class PodStartupCollector(ScannedAttributes attributes)
{
    public const string SyncPod = "syncPod";

    /// <summary>The normalised keys this collector reads.</summary>
    public static readonly string[] Keys = [K8sKeys.PodUid, K8sKeys.Namespace, K8sKeys.PodName, K8sKeys.Node, K8sKeys.Image];

    private readonly Dictionary<string, PodAccumulator> _pods = new(StringComparer.Ordinal);
    private readonly List<ImagePull> _pulls = [];

    public long SpansRead { get; private set; }

    /// <summary>syncPod calls without CRI work (steady-state re-syncs), which are not start-ups.</summary>
    public int SyncsWithoutStartup { get; private set; }

    public IReadOnlyList<ImagePull> Pulls => _pulls;

    public IEnumerable<PodStartup> Pods => _pods.Values.Select(p => p.ToStartup());

    public void Visit(ScannedTrace trace)
    {
        SpansRead += trace.Spans.Count;
        if (!trace.Spans.Exists(s => s.Name == SyncPod)) return;
        var tree = new SpanTree(trace.Spans);
        foreach (var node in tree.Nodes)
            if (node.Span.Name == SyncPod) VisitSyncPod(trace, node);
    }

    private void VisitSyncPod(ScannedTrace trace, SpanTree.Node sync)
    {
        var calls = sync.Descendants()
            .Where(d => d.Span.Service == sync.Span.Service) // kubelet's client side; containerd's spans are under them
            .Select(d => (Node: d, Phase: CriPhases.Of(d.Span.Name)))
            .Where(c => c.Phase != CriPhase.None)
            .ToList();
        if (calls.Count == 0)
        {
            SyncsWithoutStartup++;
            return;
        }
        var span = sync.Span;
        var ns = attributes.Get(span, K8sKeys.Namespace);
        var name = attributes.Get(span, K8sKeys.PodName) ?? "?";
        var pod = ns is null ? name : ns + "/" + name;
        var uid = attributes.Get(span, K8sKeys.PodUid);
        var node = attributes.Get(span, K8sKeys.Node) ?? "(unknown node)";
        var key = uid ?? pod;
        if (!_pods.TryGetValue(key, out var accumulator)) _pods[key] = accumulator = new PodAccumulator(pod, uid, node);
        accumulator.AddSync(span, trace.TraceId);
        foreach (var (call, phase) in calls)
        {
            accumulator.Add(phase, call.Span.DurationNanos, call.Span.IsError);
            if (phase != CriPhase.ImagePull) continue;
            var image = ImageOf(call);
            if (image is not null) accumulator.Images.Add(image);
            _pulls.Add(new ImagePull(image, node, pod, call.Span.DurationNanos, call.Span.IsError));
        }
    }

    /// <summary>The image a PullImage call fetched: named on the call, else by containerd's spans under it.</summary>
    private string? ImageOf(SpanTree.Node pull) =>
        attributes.Get(pull.Span, K8sKeys.Image)
        ?? pull.Descendants().Select(d => attributes.Get(d.Span, K8sKeys.Image)).FirstOrDefault(i => i is not null);

    private sealed class PodAccumulator(string pod, string? uid, string node)
    {
        private readonly long[] _phases = new long[5];
        private readonly List<TraceId> _traces = [];
        private long _start = long.MaxValue, _total;
        private bool _error;

        public SortedSet<string> Images { get; } = new(StringComparer.Ordinal);

        public void AddSync(ScannedSpan sync, TraceId traceId)
        {
            _start = Math.Min(_start, sync.StartUnixNano);
            _total += sync.DurationNanos;
            _error |= sync.IsError;
            if (!_traces.Contains(traceId)) _traces.Add(traceId);
        }

        public void Add(CriPhase phase, long nanos, bool error)
        {
            _phases[(int)phase] += nanos;
            _error |= error;
        }

        public PodStartup ToStartup()
        {
            var cri = _phases.Sum();
            return new PodStartup(pod, uid, node, Images.ToList(), _start, _total,
                _phases[(int)CriPhase.Sandbox], _phases[(int)CriPhase.ImagePull], _phases[(int)CriPhase.Create],
                _phases[(int)CriPhase.Start], Math.Max(0, _total - cri), _error, _traces.ConvertAll(t => t.ToString()));
        }
    }
}
