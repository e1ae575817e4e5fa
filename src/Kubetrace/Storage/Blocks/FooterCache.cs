namespace Kubetrace.Storage.Blocks;

/// <summary>
/// The footers of open blocks that queries read recently, shared by the blocks of a store and bounded by their
/// estimated managed bytes (<see cref="BlockFooter.EstimatedBytes"/>, which grow as queries decode texts of a footer
/// held: counted again at each use of it and each footer admitted): past the bound the least recently used go,
/// and memory pressure empties it (<see cref="Clear"/>). A block keeps only its <see cref="BlockSummary"/> otherwise,
/// and reads its footer again (checksum verified) when a query needs it.
/// </summary>
internal sealed class FooterCache(long maxBytes)
{
    /// <summary>64 MiB: the indexes of ~2M stored spans of the soak's shape (docs/storage.md, Memory).</summary>
    public const long DefaultBytes = 64L << 20;

    private readonly Lock _gate = new();
    private readonly HashSet<FooterSlot> _held = [];
    private long _bytes;
    private long _clock;
    private long _reads;
    private long _bytesRead;

    /// <summary>Estimated bytes of the footers held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                Recount();
                return _bytes;
            }
        }
    }

    public int Count
    {
        get { lock (_gate) return _held.Count; }
    }

    /// <summary>Footers read again from disk by the blocks sharing this cache (not at opening): what a query past
    /// the cache costs, counted so that what must not read any (stats) can be checked.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Bytes of footers (or footer sections) read again from disk, as stored: what the <see cref="Reads"/> cost.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Counts a footer (or footer section) of <paramref name="bytes"/> stored bytes read again from disk.</summary>
    public void NoteRead(long bytes)
    {
        Interlocked.Increment(ref _reads);
        Interlocked.Add(ref _bytesRead, bytes);
    }

    /// <summary>
    /// The slot's footer, loaded by <paramref name="load"/> (once at a time per slot) when not held; a footer
    /// <paramref name="load"/> answers null for is not held (the block is gone or damaged): <see cref="BlockFooter.Empty"/>.
    /// </summary>
    public BlockFooter Get(FooterSlot slot, Func<BlockFooter?> load)
    {
        if (Volatile.Read(ref slot.Footer) is { } held)
        {
            // Approximate LRU without a lock on the hit path: a footer used since the last load is as recent as any.
            var now = Volatile.Read(ref _clock);
            if (slot.LastUse != now) slot.LastUse = now;
            if (held.EstimatedBytes != Volatile.Read(ref slot.Bytes)) Grown(slot);
            return held;
        }
        lock (slot.Loading)
        {
            if (Volatile.Read(ref slot.Footer) is { } loadedMeanwhile) return loadedMeanwhile;
            if (load() is not { } footer) return BlockFooter.Empty;
            Admit(slot, footer);
            return footer;
        }
    }

    /// <summary>Holds a footer just read (a block written or opened): its next query need not read it again.</summary>
    public void Admit(FooterSlot slot, BlockFooter footer)
    {
        lock (_gate)
        {
            if (slot.Footer is not null) Forget(slot);
            slot.Footer = footer;
            slot.Bytes = footer.EstimatedBytes;
            slot.LastUse = ++_clock;
            _held.Add(slot);
            _bytes += slot.Bytes;
            Recount();
            KeepWithinBound(slot);
        }
    }

    /// <summary>A footer held grew since counted (texts decoded): counted again, and others dropped past the bound.</summary>
    private void Grown(FooterSlot slot)
    {
        lock (_gate)
        {
            if (slot.Footer is null) return;
            Recount();
            KeepWithinBound(slot);
        }
    }

    /// <summary>Counts the footers held at their bytes now.</summary>
    private void Recount()
    {
        foreach (var slot in _held)
        {
            var bytes = slot.Footer!.EstimatedBytes;
            _bytes += bytes - slot.Bytes;
            Volatile.Write(ref slot.Bytes, bytes);
        }
    }

    /// <summary>Drops the least recently used footers but <paramref name="kept"/> (the one in use) while past the bound.</summary>
    private void KeepWithinBound(FooterSlot kept)
    {
        while (_bytes > maxBytes && _held.Count > 1)
            Forget(_held.Where(s => s != kept).MinBy(s => s.LastUse)!);
    }

    /// <summary>Drops every footer (memory pressure); true if any was held. Queries afterwards read them again.</summary>
    public bool Clear()
    {
        lock (_gate)
        {
            var any = _held.Count > 0;
            foreach (var slot in _held) slot.Footer = null;
            _held.Clear();
            _bytes = 0;
            return any;
        }
    }

    /// <summary>Drops the footer of a block closed.</summary>
    public void Evict(FooterSlot slot)
    {
        lock (_gate)
        {
            if (slot.Footer is not null) Forget(slot);
        }
    }

    private void Forget(FooterSlot slot)
    {
        _held.Remove(slot);
        _bytes -= slot.Bytes;
        slot.Footer = null;
    }
}

/// <summary>A block's place in the <see cref="FooterCache"/>: its footer while held.</summary>
internal sealed class FooterSlot
{
    public readonly Lock Loading = new();
    public BlockFooter? Footer;
    public long Bytes;
    public long LastUse;
}
