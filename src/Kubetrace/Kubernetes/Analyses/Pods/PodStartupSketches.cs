using Kubetrace.Analysis;
using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage.Scan;
using Kubetrace.Storage.Encoding;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>One node's pulls, and the start-up times of its pods no longer kept whole (<see cref="PodStartupState"/>).</summary>
public sealed class NodeStartups
{
    public LatencySketch DroppedStartups { get; } = new();

    /// <summary>The slowest and random picks among the start-ups in <see cref="DroppedStartups"/> (the kept pods join them in the report).</summary>
    public ExampleTraces DroppedExamples { get; } = new();

    public LatencySketch Pulls { get; } = new();

    /// <summary>The sampled traces and start-up syncs of the node's pods.</summary>
    public SampleTally Sample { get; } = new();

    public void Merge(NodeStartups other)
    {
        DroppedStartups.Merge(other.DroppedStartups);
        DroppedExamples.Merge(other.DroppedExamples);
        Pulls.Merge(other.Pulls);
        Sample.Merge(other.Sample);
    }

    internal void WriteTo(ByteWriter writer)
    {
        DroppedStartups.WriteTo(writer);
        DroppedExamples.WriteTo(writer);
        Pulls.WriteTo(writer);
        Sample.WriteTo(writer);
    }

    internal void MergeFrom(ByteReader reader)
    {
        DroppedStartups.Merge(LatencySketch.ReadFrom(reader));
        DroppedExamples.MergeFrom(reader);
        Pulls.Merge(LatencySketch.ReadFrom(reader));
        Sample.MergeFrom(reader);
    }
}

/// <summary>One image's pulls: their times, failures, the nodes that pulled it and where the time went.</summary>
public sealed class ImagePulls
{
    public CallStats Pulls { get; } = new();

    /// <summary>The pulls that containerd 1.7's spans split into fetch, unpack and the rest.</summary>
    public PullSplitTotals Split { get; } = new();

    public SortedSet<string> Nodes { get; } = new(StringComparer.Ordinal);

    /// <summary>A pull measured on kubelet's <paramref name="span"/> of the trace <paramref name="sampling"/> began.</summary>
    public void Record(string node, long nanos, bool error, PullSplit? split, TraceSampling sampling, ScannedSpan span)
    {
        Pulls.Record(nanos, error, sampling, span);
        Nodes.Add(node);
        if (split is { } known) Split.Add(known);
    }

    public void Merge(ImagePulls other)
    {
        Pulls.Merge(other.Pulls);
        Nodes.UnionWith(other.Nodes);
        Split.Merge(other.Split);
    }

    internal void WriteTo(ByteWriter writer)
    {
        Pulls.WriteTo(writer);
        writer.WriteEach(Nodes, writer.WriteString);
        Split.WriteTo(writer);
    }

    internal void MergeFrom(ByteReader reader)
    {
        Pulls.MergeFrom(reader);
        reader.ReadEach(() => Nodes.Add(reader.ReadString()));
        Split.MergeFrom(reader);
    }
}
