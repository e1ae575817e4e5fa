using Kubetrace.Storage.Encoding;

namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>
/// One <see cref="SpanMetricsRollup"/> payload opened for reading: its keys, and per level and key where the key's
/// counts and buckets lie, so that a query decodes only the level its step can use, only the keys its filter keeps,
/// and the buckets only when it needs them. Opening reads the keys and the parts' lengths, not the cells.
/// </summary>
internal sealed class SpanMetricsPayload
{
    private readonly byte[] _bytes;
    private readonly long[] _levelSeconds;
    private readonly Part[,] _counts;
    private readonly Part[,] _buckets;
    private readonly Part _exemplars;

    private readonly record struct Part(int Offset, int Length);

    public IReadOnlyList<SpanMetricsRollup.Key> Keys { get; }

    private SpanMetricsPayload(byte[] bytes, IReadOnlyList<SpanMetricsRollup.Key> keys, long[] levelSeconds, Part[,] counts, Part[,] buckets, Part exemplars)
    {
        _bytes = bytes;
        Keys = keys;
        _levelSeconds = levelSeconds;
        _counts = counts;
        _buckets = buckets;
        _exemplars = exemplars;
    }

    /// <exception cref="InvalidDataException">Not a payload of this version.</exception>
    public static SpanMetricsPayload Open(ReadOnlyMemory<byte> payload)
    {
        var bytes = ByteReader.Over(payload);
        return Unreadable(() =>
        {
            var strings = new string[bytes.ReadInt()];
            for (var i = 0; i < strings.Length; i++) strings[i] = bytes.ReadString();
            var keys = new SpanMetricsRollup.Key[bytes.ReadInt()];
            for (var k = 0; k < keys.Length; k++)
                keys[k] = new SpanMetricsRollup.Key(strings[bytes.ReadInt()], strings[bytes.ReadInt()], bytes.ReadByte(), bytes.ReadByte(), (SpanMetricsRollup.TreePlace)bytes.ReadByte());
            var levels = new long[bytes.ReadInt()];
            var counts = new Part[levels.Length, keys.Length];
            var buckets = new Part[levels.Length, keys.Length];
            for (var level = 0; level < levels.Length; level++)
            {
                levels[level] = bytes.ReadLong();
                if (levels[level] <= 0 || level > 0 && levels[level] % levels[level - 1] != 0)
                    throw new InvalidDataException($"cell width {levels[level]} s");
                for (var k = 0; k < keys.Length; k++)
                {
                    counts[level, k] = Skip(bytes, bytes.ReadInt());
                    buckets[level, k] = Skip(bytes, bytes.ReadInt());
                }
            }
            if (levels.Length == 0 || levels[0] != SpanMetricsRollup.CellNanos / 1_000_000_000) throw new InvalidDataException("no second cells");
            var exemplars = new Part(bytes.Position, bytes.End - bytes.Position);
            return new SpanMetricsPayload(bytes.Buffer, keys, levels, counts, buckets, exemplars);
        });
    }

    /// <summary>The coarsest level whose cells nest in a query's intervals: an instant query's one interval holds
    /// every cell of the rollups it reads; a range query's intervals are aligned to its step, so a cell width that
    /// divides the step never straddles two (<see cref="RolledUpMetrics.Allows"/> ensures the finest one does).</summary>
    public int LevelFor(MetricsRequest request)
    {
        for (var level = _levelSeconds.Length - 1; level > 0; level--)
            if (request.Instant || request.Step % CellNanos(level) == 0) return level;
        return 0;
    }

    public long CellNanos(int level) => _levelSeconds[level] * 1_000_000_000;

    /// <summary>A key's cells at a level: its span total and cell count at once, then each cell in time order.</summary>
    public CellReader Cells(int level, int key) => new(Reader(_counts[level, key]), Reader(_buckets[level, key]));

    /// <summary>Every exemplar candidate with its key.</summary>
    public void ForEachExemplar(Action<int, SpanMetricsRollup.Candidate> visit) => Unreadable(() =>
    {
        var bytes = Reader(_exemplars);
        var count = bytes.ReadInt();
        for (var e = 0; e < count; e++)
        {
            var key = bytes.ReadInt();
            if (key >= Keys.Count) throw new InvalidDataException($"exemplar of key {key}");
            visit(key, new SpanMetricsRollup.Candidate(bytes.ReadUInt128(), bytes.ReadFixed64(), bytes.ReadSigned(), bytes.ReadSigned()));
        }
        if (!bytes.AtEnd) throw new InvalidDataException("bytes left after the payload");
        return 0;
    });

    private ByteReader Reader(Part part) => new(_bytes, part.Offset, part.Length);

    private static Part Skip(ByteReader bytes, int length)
    {
        var part = new Part(bytes.Position, length);
        bytes.Skip(length);
        return part;
    }

    private static T Unreadable<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IndexOutOfRangeException or OverflowException or ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"rollup {SpanMetricsRollup.Instance.Id}: unreadable payload ({e.Message})", e);
        }
    }

    /// <summary>
    /// Walks one key's cells at one level: <see cref="Next"/> gives each cell and its span count; after it,
    /// <see cref="NextBuckets"/> and <see cref="NextBucket"/> give that cell's duration buckets (read only by queries
    /// that need them: a count never decodes them).
    /// </summary>
    public sealed class CellReader
    {
        private readonly ByteReader _counts;
        private readonly ByteReader _buckets;
        private int _left;
        private long _cell;

        public CellReader(ByteReader counts, ByteReader buckets)
        {
            _counts = counts;
            _buckets = buckets;
            Total = counts.ReadLong();
            CellCount = counts.ReadInt();
            _left = CellCount;
        }

        /// <summary>Spans the key counted in every cell.</summary>
        public long Total { get; }

        public int CellCount { get; }

        public bool Next(out long cell, out long count)
        {
            if (_left-- <= 0)
            {
                if (!_counts.AtEnd) throw new InvalidDataException("bytes left after a key's cells");
                cell = count = 0;
                return false;
            }
            cell = _cell += _counts.ReadSigned();
            count = _counts.ReadLong();
            return true;
        }

        /// <summary>The number of buckets of the cell <see cref="Next"/> gave.</summary>
        public int NextBuckets() => _buckets.ReadInt();

        /// <summary>One bucket of the cell: its power of two (of nanoseconds; -1 under 2 ns) and span count.</summary>
        public (int Power, long Count) NextBucket()
        {
            var slot = _buckets.ReadInt();
            if (slot >= SpanMetricsRollup.PowerSlots) throw new InvalidDataException($"duration bucket {slot}");
            return (slot - 1, _buckets.ReadLong());
        }
    }
}
