namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Keeps the footers a query uses for the query's whole length: within a lease, a block answers the footer it gave
/// first (with the sections loaded into it since) instead of asking the <see cref="FooterCache"/> again. A search
/// asks a block's footer once for its candidates and again for each candidate's summary and rows; with a cache too
/// small for the blocks in play, those asks evicted each other's footers and read them again and again (1 MiB
/// cache: searches of 0.7–1.1 s and 1.4 GiB of garbage at 1M spans, docs/benchmarks.md). What a lease holds is the
/// query's own memory, beyond the cache's bound, and goes with the lease; it is bounded too
/// (<see cref="StoreOptions.SearchIndexBytes"/>): a search over hundreds of blocks would otherwise hold every
/// block's index at once. Past the bound a footer is used and not held (asked of the cache again, as without a
/// lease). Ambient (an <see cref="AsyncLocal{T}"/>), so that the parts' interface need not carry it.
/// </summary>
internal sealed class FooterLease : IDisposable
{
    private static readonly AsyncLocal<FooterLease?> Current = new();
    private readonly Dictionary<FooterSlot, BlockFooter> _held = [];
    private readonly FooterLease? _outer;
    private readonly long _maxBytes;
    private long _heldBytes; // estimated when each footer was taken (under _held's lock)

    private FooterLease(FooterLease? outer, long maxBytes) => (_outer, _maxBytes) = (outer, maxBytes);

    /// <summary>Starts a lease holding up to <paramref name="maxBytes"/> of footers (their estimate when taken) for what
    /// runs on this flow until it is disposed (a lease already running goes on).</summary>
    public static FooterLease Begin(long maxBytes)
    {
        var lease = new FooterLease(Current.Value, maxBytes);
        Current.Value = lease;
        return lease;
    }

    /// <summary>The footer held for <paramref name="slot"/> by the running lease, else loaded (and held by it).</summary>
    public static BlockFooter Keep(FooterSlot slot, Func<BlockFooter> load)
    {
        if (Current.Value is not { } lease) return load();
        lock (lease._held)
        {
            if (lease._held.TryGetValue(slot, out var held)) return held;
        }
        var footer = load();
        if (ReferenceEquals(footer, BlockFooter.Empty)) return footer; // gone or damaged: asked again next time
        lock (lease._held)
        {
            if (lease._held.TryGetValue(slot, out var held)) return held;
            var bytes = footer.EstimatedBytes;
            if (lease._heldBytes + bytes > lease._maxBytes) return footer; // used, not held: the lease is full
            lease._held.Add(slot, footer);
            lease._heldBytes += bytes;
            return footer;
        }
    }

    public void Dispose() => Current.Value = _outer;
}
