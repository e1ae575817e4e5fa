using Kubetrace.Storage.Encoding;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>
/// The split pulls of a pod or an image added up: sums, so that states merge exactly. Pulls without containerd's
/// pull spans are not in it.
/// </summary>
public sealed class PullSplitTotals
{
    public long Pulls { get; private set; }

    public long PullNanos { get; private set; }

    public long FetchNanos { get; private set; }

    public long UnpackNanos { get; private set; }

    public long RestNanos => Math.Max(0, PullNanos - FetchNanos - UnpackNanos);

    public void Add(PullSplit split)
    {
        Pulls++;
        PullNanos += split.PullNanos;
        FetchNanos += split.FetchNanos;
        UnpackNanos += split.UnpackNanos;
    }

    public void Merge(PullSplitTotals other)
    {
        Pulls += other.Pulls;
        PullNanos += other.PullNanos;
        FetchNanos += other.FetchNanos;
        UnpackNanos += other.UnpackNanos;
    }

    internal void WriteTo(ByteWriter writer)
    {
        writer.WriteVarint(Pulls);
        writer.WriteVarint(PullNanos);
        writer.WriteVarint(FetchNanos);
        writer.WriteVarint(UnpackNanos);
    }

    internal void MergeFrom(ByteReader reader)
    {
        Pulls += reader.ReadLong();
        PullNanos += reader.ReadLong();
        FetchNanos += reader.ReadLong();
        UnpackNanos += reader.ReadLong();
    }

    /// <summary>The totals as reported, or null (n/a) when no pull was split.</summary>
    public PullTimeSplit? ToReport() => Pulls == 0 ? null : new PullTimeSplit((int)Pulls, PullNanos, FetchNanos, UnpackNanos, RestNanos);
}
