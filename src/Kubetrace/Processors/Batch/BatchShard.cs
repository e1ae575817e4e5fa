using Kubetrace.Pipeline;

namespace Kubetrace.Processors.Batch;

/// <summary>
/// The spans waiting to be sent together (one per metadata value combination): whole input batches in arrival
/// order, kept as they came — neither decoded nor copied — until they are sent.
/// </summary>
/// <remarks>Only the batch processor's loop touches the pending parts, so nothing here is synchronized.</remarks>
internal sealed class BatchShard(IReadOnlyDictionary<string, string>? metadata)
{
    private readonly List<TraceBatch> _parts = [];
    private readonly List<TraceBatch> _taken = [];

    /// <summary>The metadata every batch sent from this shard carries (the values of <c>metadata_keys</c>).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; } = metadata;

    public int SpanCount { get; private set; }

    /// <summary>When the pending spans must go out, as a timestamp of the processor's clock (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Deadline { get; set; }

    public void Add(TraceBatch batch)
    {
        _parts.Add(batch);
        SpanCount += batch.SpanCount;
    }

    /// <summary>Removes and returns the oldest spans, at most <paramref name="maxSpans"/> (0: all) as one batch.</summary>
    /// <remarks>If cutting a part fails (it cannot be decoded), the shard is left unchanged.</remarks>
    public TraceBatch Take(int maxSpans)
    {
        var taken = 0;
        var whole = 0;
        while (whole < _parts.Count && (maxSpans == 0 || taken + _parts[whole].SpanCount <= maxSpans))
            taken += _parts[whole++].SpanCount;

        // Only the part that straddles the limit is decoded and cut; its tail stays first in line.
        (TraceBatch Head, TraceBatch Tail)? cut = null;
        if (maxSpans > 0 && taken < maxSpans && whole < _parts.Count)
            cut = TraceBatchSplitter.Split(_parts[whole], maxSpans - taken);

        _taken.Clear();
        for (var i = 0; i < whole; i++) _taken.Add(_parts[i]);
        _parts.RemoveRange(0, whole);
        if (cut is var (head, tail))
        {
            _taken.Add(head);
            _parts[0] = tail;
            taken = maxSpans;
        }

        SpanCount -= taken;
        var merged = TraceBatchMerger.Merge(_taken, Metadata);
        _taken.Clear();
        return merged;
    }

    /// <summary>Forgets every pending span (when they cannot be sent); returns how many there were.</summary>
    public int Clear()
    {
        var lost = SpanCount;
        _parts.Clear();
        SpanCount = 0;
        return lost;
    }
}
