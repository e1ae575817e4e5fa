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

    /// <summary>Collects lists while a block is written.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<ulong, List<int>> _lists = new();

        public void Add(ulong key, int traceOrdinal)
        {
            if (!_lists.TryGetValue(key, out var list)) _lists[key] = list = [];
            if (list.Count == 0 || list[^1] != traceOrdinal) list.Add(traceOrdinal);
        }

        public PostingIndex Build()
        {
            var keys = _lists.Keys.Order().ToArray();
            var offsets = new int[keys.Length];
            var counts = new int[keys.Length];
            var blob = new ByteWriter(1 << 16);
            for (var i = 0; i < keys.Length; i++)
            {
                offsets[i] = blob.Length;
                var list = _lists[keys[i]];
                counts[i] = list.Count;
                var previous = -1;
                foreach (var ordinal in list)
                {
                    blob.WriteVarint(ordinal - previous - 1);
                    previous = ordinal;
                }
            }
            return new PostingIndex(keys, offsets, counts, blob.WrittenSpan.ToArray());
        }
    }
}
