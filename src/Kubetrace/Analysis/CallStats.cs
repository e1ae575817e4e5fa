using Kubetrace.Storage.Encoding;

namespace Kubetrace.Analysis;

/// <summary>Calls of one kind (an edge, an operation): their latency and how many failed. Merges exactly.</summary>
public sealed class CallStats
{
    public LatencySketch Latency { get; } = new();

    public long Calls => Latency.Count;

    public long Errors { get; private set; }

    public double ErrorRate => Calls == 0 ? 0 : (double)Errors / Calls;

    public void Record(long nanos, bool error)
    {
        Latency.Record(nanos);
        if (error) Errors++;
    }

    public void Merge(CallStats other)
    {
        Latency.Merge(other.Latency);
        Errors += other.Errors;
    }

    internal void WriteTo(ByteWriter writer)
    {
        writer.WriteVarint(Errors);
        Latency.WriteTo(writer);
    }

    /// <summary>Adds what <see cref="WriteTo"/> wrote.</summary>
    internal void MergeFrom(ByteReader reader)
    {
        Errors += reader.ReadLong();
        Latency.Merge(LatencySketch.ReadFrom(reader));
    }
}
