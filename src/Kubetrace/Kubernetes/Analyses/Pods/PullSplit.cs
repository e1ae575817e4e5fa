using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Catalog;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>
/// Where one image pull's time went, from containerd's spans under the kubelet's <c>PullImage</c> call
/// (<see cref="Catalog.ContainerdCatalog"/>): the registry download is every <c>pull.fetch</c> (resolve, manifest,
/// config), <c>pkg.unpack.unpacker.fetchLayer</c> (a layer's download) and registry request; unpacking is
/// <c>pkg.unpack.unpacker.unpackLayer</c>. Every instant of the pull is counted once: fetch while any download runs,
/// else unpack while an unpackLayer runs, else the rest (the CRI and gRPC hops, writing the image record). An
/// unpackLayer starts before its layer is down and waits for it, so its waiting counts as fetch, not unpack.
/// </summary>
public readonly record struct PullSplit(long PullNanos, long FetchNanos, long UnpackNanos)
{
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
            var (fetches, unpacks) = span.Name switch
            {
                ContainerdNames.Fetch or ContainerdNames.FetchLayer or ContainerdNames.RegistryRequest => (1, 0),
                ContainerdNames.UnpackLayer => (0, 1),
                _ => (0, 0),
            };
            traced |= fetches + unpacks > 0 || span.Name is ContainerdNames.Pull or ContainerdNames.Unpack;
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
