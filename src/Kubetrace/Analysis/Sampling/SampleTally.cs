using Kubetrace.Analysis.Rollups;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// What one row of an analysis rests on: how many sampled traces, and how many observations (with how many
/// errors) under each sampling decision (<see cref="SamplingBasis"/>). Integers only, so that states over disjoint
/// sets of whole traces merge exactly, whatever rate is applied when reporting (<see cref="RowSample"/>).
/// </summary>
public sealed class SampleTally
{
    // A row sees few decisions (one per component and threshold): a list beats a hash per observation.
    private readonly List<Entry> _entries = [];
    private long _lastStamp;

    public long Traces { get; private set; }

    public long Sampled { get; private set; }

    public long Errors { get; private set; }

    /// <summary>Counts <paramref name="span"/>'s observation, and its trace once.</summary>
    public void Record(TraceSampling sampling, ScannedSpan span, bool error = false)
    {
        if (_lastStamp != sampling.Stamp)
        {
            _lastStamp = sampling.Stamp;
            Traces++;
        }
        Add(sampling.BasisOf(span), 1, error ? 1 : 0);
    }

    /// <summary>Counts a whole trace as one observation (single-trace analyses).</summary>
    public void RecordTrace(SamplingBasis basis)
    {
        Traces++;
        Add(basis, 1, 0);
    }

    public void Merge(SampleTally other)
    {
        Traces += other.Traces;
        foreach (var entry in other._entries) Add(entry.Basis, entry.Count, entry.Errors);
    }

    /// <summary>Each decision with its observations and errors, in a fixed order (so that sums over them are the same however the tally was built).</summary>
    public IEnumerable<(SamplingBasis Basis, long Count, long Errors)> ByBasis() => _entries
        .OrderBy(e => e.Basis.Decider, StringComparer.Ordinal).ThenBy(e => e.Basis.Threshold)
        .Select(e => (e.Basis, e.Count, e.Errors));

    private void Add(SamplingBasis basis, long count, long errors)
    {
        Sampled += count;
        Errors += errors;
        foreach (var entry in _entries)
        {
            if (entry.Basis.Threshold != basis.Threshold || !string.Equals(entry.Basis.Decider, basis.Decider, StringComparison.Ordinal)) continue;
            entry.Count += count;
            entry.Errors += errors;
            return;
        }
        _entries.Add(new Entry(basis) { Count = count, Errors = errors });
    }

    internal void WriteTo(ByteWriter writer)
    {
        writer.WriteVarint(Traces);
        writer.WriteEach(_entries, entry =>
        {
            writer.WriteString(entry.Basis.Decider);
            writer.WriteSigned(entry.Basis.Threshold);
            writer.WriteVarint(entry.Count);
            writer.WriteVarint(entry.Errors);
        });
    }

    /// <summary>Adds what <see cref="WriteTo"/> wrote.</summary>
    internal void MergeFrom(ByteReader reader)
    {
        Traces += reader.ReadLong();
        reader.ReadEach(() => Add(new SamplingBasis(LabelPool.Get(reader.ReadString()), reader.ReadSigned()), reader.ReadLong(), reader.ReadLong()));
    }

    private sealed class Entry(SamplingBasis basis)
    {
        public SamplingBasis Basis { get; } = basis;
        public long Count;
        public long Errors;
    }
}
