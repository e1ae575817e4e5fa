using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Blocks;

/// <summary>What a posting list is keyed by.</summary>
internal enum PostingKind : byte { SpanAttribute = 0, ResourceAttribute = 1, Name = 2, Service = 3 }

/// <summary>
/// Posting lists of a block: for each (kind, key, value) the ordinals of the traces having a span with it.
/// Keys are packed in a sorted ulong array (binary search; one key's values are a contiguous range); the lists
/// stay delta-varint encoded in memory and are decoded when a query needs them.
/// </summary>
internal sealed class PostingIndex
{
    private readonly ulong[] _keys;
    private readonly int[] _offsets;
    private readonly int[] _counts;
    private readonly byte[] _blob;

    public PostingIndex(ulong[] keys, int[] offsets, int[] counts, byte[] blob)
    {
        _keys = keys;
        _offsets = offsets;
        _counts = counts;
        _blob = blob;
    }

    public int Count => _keys.Length;

    public static PostingIndex Empty { get; } = new([], [], [], []);

    /// <summary>Managed bytes of the index's arrays.</summary>
    public long Bytes => _keys.Length * 16L + _blob.Length + 4 * 24;

    /// <summary>Name/service use key 0 and the string id as value; attributes use key and value ids.</summary>
    public static ulong Pack(PostingKind kind, int key, int value) =>
        ((ulong)kind << 62) | ((ulong)(uint)key << 32) | (uint)value;

    public static int ValueOf(ulong packed) => (int)(uint)packed;

    public ulong KeyAt(int index) => _keys[index];

    public int Find(PostingKind kind, int key, int value) => Array.BinarySearch(_keys, Pack(kind, key, value));

    /// <summary>Index range [start, end) of every value of (kind, key).</summary>
    public (int Start, int End) Range(PostingKind kind, int key)
    {
        var start = LowerBound(Pack(kind, key, 0));
        var end = LowerBound(Pack(kind, key, 0) + (1UL << 32));
        return (start, end);
    }

    public int[] Decode(int index)
    {
        var result = new int[_counts[index]];
        var reader = new ByteReader(_blob, _offsets[index], _blob.Length - _offsets[index]);
        var previous = -1;
        for (var i = 0; i < result.Length; i++)
        {
            previous += reader.ReadInt() + 1;
            result[i] = previous;
        }
        return result;
    }

    private int LowerBound(ulong key)
    {
        int lo = 0, hi = _keys.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_keys[mid] < key) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    public void Write(ByteWriter w)
    {
        w.WriteVarint(_keys.Length);
        var previous = 0UL;
        foreach (var key in _keys)
        {
            w.WriteVarint(key - previous);
            previous = key;
        }
        foreach (var count in _counts) w.WriteVarint(count);
        w.WriteBytes(_blob);
    }

    public static PostingIndex Read(ByteReader r)
    {
        var count = r.ReadInt();
        var keys = new ulong[count];
        var previous = 0UL;
        for (var i = 0; i < count; i++) keys[i] = previous += r.ReadVarint();
        var counts = new int[count];
        for (var i = 0; i < count; i++) counts[i] = r.ReadInt();
        var blob = r.ReadBytes().ToArray();
        // Offsets are not stored: each list's length in bytes follows from decoding; recompute them once.
        var offsets = new int[count];
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            offsets[i] = position;
            for (var j = 0; j < counts[i]; j++) position += VarintLength(blob, position);
        }
        return new PostingIndex(keys, offsets, counts, blob);
    }

    private static int VarintLength(byte[] blob, int position)
    {
        var length = 1;
        while (blob[position + length - 1] >= 0x80) length++;
        return length;
    }

    /// <summary>
    /// Collects lists while a block is written, traces in ascending ordinal order. A key is looked up once
    /// (<see cref="Slot"/>, open addressing on the packed key) and callers keep slots of keys they see often; a
    /// list's entries go to shared arrays (ordinal, slot) in arrival order, so adding allocates nothing; building
    /// groups them by slot with one counting-sort pass. The block writer adds ~17 keys per span, which made
    /// dictionaries of lists the largest cost of writing a block.
    /// </summary>
    public sealed class Builder
    {
        private ulong[] _tableKeys = new ulong[1 << 12];
        private int[] _tableSlots = new int[1 << 12]; // slot + 1; 0 = empty
        private ulong[] _slotKeys = new ulong[1 << 10];
        private int[] _slotLastTrace = new int[1 << 10];
        private int[] _slotCount = new int[1 << 10];
        // Entries are kept in fixed chunks below the large-object threshold rather than in arrays doubled as they
        // fill: a merge of a 200,000-span block holds over a million entries, and doubling two arrays of them needed
        // the old and the new arrays at once (8 MiB more than the entries) and left the old ones as holes in the
        // uncompacted large-object heap: the OutOfMemoryException of a merge under a 48 MiB heap (docs/benchmarks.md).
        private const int ChunkShift = 14; // 16,384 ints: 64 KiB, under the 85,000-byte large-object threshold
        private const int ChunkMask = (1 << ChunkShift) - 1;
        private readonly List<int[]> _entryTrace = [];
        private readonly List<int[]> _entrySlot = [];
        private int _slots;
        private int _entries;

        /// <summary>The slot of a key, created when new.</summary>
        public int Slot(ulong key)
        {
            var mask = _tableKeys.Length - 1;
            var i = (int)((key * 0x9E3779B97F4A7C15UL) >> 32) & mask;
            while (true)
            {
                var slot = _tableSlots[i];
                if (slot == 0) return NewSlot(key, i);
                if (_tableKeys[i] == key) return slot - 1;
                i = (i + 1) & mask;
            }
        }

        /// <summary>Adds a trace to a slot's list; ordinals arrive in ascending order, repeats are dropped.</summary>
        public void Add(int slot, int traceOrdinal)
        {
            if (_slotLastTrace[slot] == traceOrdinal) return;
            _slotLastTrace[slot] = traceOrdinal;
            if (_entries >> ChunkShift == _entryTrace.Count) // the last chunk is full
            {
                _entryTrace.Add(new int[1 << ChunkShift]);
                _entrySlot.Add(new int[1 << ChunkShift]);
            }
            _entryTrace[_entries >> ChunkShift][_entries & ChunkMask] = traceOrdinal;
            _entrySlot[_entries >> ChunkShift][_entries & ChunkMask] = slot;
            _entries++;
            _slotCount[slot]++;
        }

        public void Add(ulong key, int traceOrdinal) => Add(Slot(key), traceOrdinal);

        /// <summary>Keys seen so far (a key's slot is new when this grows).</summary>
        public int SlotCount => _slots;

        private int NewSlot(ulong key, int tableIndex)
        {
            var slot = _slots++;
            if (slot == _slotKeys.Length)
            {
                var size = slot * 2;
                Array.Resize(ref _slotKeys, size);
                Array.Resize(ref _slotLastTrace, size);
                Array.Resize(ref _slotCount, size);
            }
            _slotKeys[slot] = key;
            _slotLastTrace[slot] = -1;
            _tableKeys[tableIndex] = key;
            _tableSlots[tableIndex] = slot + 1;
            if (_slots * 2 > _tableKeys.Length) Rehash();
            return slot;
        }

        private void Rehash()
        {
            var size = _tableKeys.Length * 2;
            _tableKeys = new ulong[size];
            _tableSlots = new int[size];
            for (var slot = 0; slot < _slots; slot++)
            {
                var key = _slotKeys[slot];
                var i = (int)((key * 0x9E3779B97F4A7C15UL) >> 32) & (size - 1);
                while (_tableSlots[i] != 0) i = (i + 1) & (size - 1);
                _tableKeys[i] = key;
                _tableSlots[i] = slot + 1;
            }
        }

        /// <param name="keep">Which keys' lists go into the index (null: all).</param>
        public PostingIndex Build(Func<ulong, bool>? keep = null)
        {
            var kept = new List<int>(_slots);
            for (var slot = 0; slot < _slots; slot++)
                if (keep is null || keep(_slotKeys[slot])) kept.Add(slot);
            var order = kept.ToArray();
            var keys = order.Select(slot => _slotKeys[slot]).ToArray();
            Array.Sort(keys, order);
            // Counting sort: each slot's entries go to a run at the slot's place in key order; entries arrive in
            // ascending ordinal order, so every run ends up ascending. Entries of slots left out are skipped.
            var next = new int[_slots];
            Array.Fill(next, -1);
            var counts = new int[keys.Length];
            var position = 0;
            for (var i = 0; i < keys.Length; i++)
            {
                next[order[i]] = position;
                position += counts[i] = _slotCount[order[i]];
            }
            var grouped = new int[position];
            for (var e = 0; e < _entries; e++)
            {
                ref var at = ref next[_entrySlot[e >> ChunkShift][e & ChunkMask]];
                if (at >= 0) grouped[at++] = _entryTrace[e >> ChunkShift][e & ChunkMask];
            }
            var offsets = new int[keys.Length];
            var blob = new ByteWriter(Math.Max(1 << 16, _entries * 2));
            position = 0;
            for (var i = 0; i < keys.Length; i++)
            {
                offsets[i] = blob.Length;
                var previous = -1;
                for (var end = position + counts[i]; position < end; position++)
                {
                    blob.WriteVarint(grouped[position] - previous - 1);
                    previous = grouped[position];
                }
            }
            return new PostingIndex(keys, offsets, counts, blob.WrittenSpan.ToArray());
        }
    }
}
