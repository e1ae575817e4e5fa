using Kubetrace.Analysis;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>
/// Where one image pull's time went, from containerd 1.7's spans under the kubelet's <c>PullImage</c> call
/// (<c>runtime.v1.ImageService/PullImage</c> server span → <c>pkg.cri.server.PullImage</c> → <c>pull.Pull</c> →
/// <c>pull.fetch</c> per layer, <c>pkg.unpack.unpacker.unpackLayer</c> per layer). Every instant of the pull is
/// counted once: fetching if a fetch runs (fetches may overlap each other and unpacks), else unpacking if an unpack
/// runs, else the rest (resolving the reference, the CRI and gRPC hops, writing the image record).
/// </summary>
public readonly record struct PullSplit(long PullNanos, long FetchNanos, long UnpackNanos)
{
    public const string Pull = "pull.Pull";
    public const string Fetch = "pull.fetch";
    public const string Unpack = "pkg.unpack.unpacker.unpackLayer";

    public long RestNanos => Math.Max(0, PullNanos - FetchNanos - UnpackNanos);

    /// <summary>
    /// The split of <paramref name="pull"/> (the kubelet's client span), or null when no containerd pull span is
    /// under it (containerd 1.6 has none; an untraced containerd sends none).
    /// </summary>
    public static PullSplit? Of(SpanTree.Node pull)
    {
        var (from, to) = (pull.Span.StartUnixNano, pull.Span.EndUnixNano);
        var traced = false;
        List<(long Time, int Fetches, int Unpacks)>? edges = null;
        foreach (var descendant in pull.Descendants())
        {
            var span = descendant.Span;
            var (fetches, unpacks) = span.Name switch { Fetch => (1, 0), Unpack => (0, 1), _ => (0, 0) };
            traced |= fetches + unpacks > 0 || span.Name == Pull;
            if (fetches + unpacks == 0) continue;
            // Clipped to the kubelet's call: containerd runs on the same node, so only rounding can stray outside.
            var (start, end) = (Math.Clamp(span.StartUnixNano, from, to), Math.Clamp(span.EndUnixNano, from, to));
            if (end <= start) continue;
            edges ??= [];
            edges.Add((start, fetches, unpacks));
            edges.Add((end, -fetches, -unpacks));
        }
        if (!traced) return null;
        long fetch = 0, unpack = 0;
        if (edges is not null)
        {
            edges.Sort((a, b) => a.Time.CompareTo(b.Time));
            var (running, unpacking, previous) = (0, 0, edges[0].Time);
            foreach (var (time, fetches, unpacks) in edges)
            {
                if (running > 0) fetch += time - previous;
                else if (unpacking > 0) unpack += time - previous;
                (running, unpacking, previous) = (running + fetches, unpacking + unpacks, time);
            }
        }
        return new PullSplit(to - from, fetch, unpack);
    }
}
