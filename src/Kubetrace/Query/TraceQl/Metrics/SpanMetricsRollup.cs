using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>
/// The TraceQL metrics rollup: per block (per minute window on ClickHouse), how many spans started in each second
/// per (service, name, kind, status, root or not), split by Tempo's power-of-two duration buckets, and one exemplar
/// candidate per key and minute. Enough to answer <c>rate</c>, <c>count_over_time</c>, <c>histogram_over_time(duration)</c>
/// and <c>quantile_over_time(duration, ...)</c> with filters and <c>by()</c> on those fields exactly as a scan would
/// (<see cref="RolledUpMetrics"/>): seconds, because Grafana's steps are whole seconds (Traces Drilldown asks for
/// range/50, e.g. 72 s for an hour) and Tempo's default steps for ranges of a minute or more are too.
/// </summary>
/// <remarks>
/// The spans are those the scan path evaluates (<see cref="ScanFields.ToTrace"/> then <see cref="TraceSpans.Build"/>:
/// duplicates removed, nested sets numbered), so a key's fields, its root class and its duration bucket are what the
/// engine would have seen. Change <see cref="Id"/>'s version when the bytes change: older sidecars are rebuilt.
/// </remarks>
internal sealed class SpanMetricsRollup : IRollup
{
    public static SpanMetricsRollup Instance { get; } = new();

    private SpanMetricsRollup()
    {
    }

    public string Id => "traceql-metrics-1";

    public IReadOnlyList<string> AttributeKeys => [];

    public IRollupAccumulator CreateAccumulator() => new Accumulator();

    /// <summary>Cell width: one second, in nanoseconds. A cell holds spans starting in (second, second + 1 s],
    /// right-closed like the query's intervals, so a cell never straddles two intervals of a whole-second step.</summary>
    public const long CellNanos = 1_000_000_000;

    /// <summary>The cell of a span starting at <paramref name="startUnixNano"/>.</summary>
    public static long CellOf(long startUnixNano) => startUnixNano <= 0 ? -1 : (startUnixNano - 1) / CellNanos;

    /// <summary>Exemplar candidates are kept one per key and this many cells.</summary>
    private const long ExemplarCells = 60;

    /// <summary>Where a span sits in its trace's tree, as far as filters on <c>nestedSetParent</c> the rollup allows
    /// can tell: a root (-1), a span no root reaches (0), or a child (a positive left bound).</summary>
    public enum TreePlace : byte { Root, Unreached, Child }

    public static TreePlace PlaceOf(int nestedSetParent) => nestedSetParent < 0 ? TreePlace.Root : nestedSetParent == 0 ? TreePlace.Unreached : TreePlace.Child;

    public readonly record struct Key(string Service, string Name, int Kind, int Status, TreePlace Place);

    public readonly record struct Candidate(UInt128 TraceId, ulong SpanId, long StartUnixNano, long DurationNanos);

    private sealed class Accumulator : IRollupAccumulator
    {
        private readonly Dictionary<Key, int> _keys = [];
        private readonly List<Key> _keyList = [];
        private readonly Dictionary<(int Key, long Cell, int Power), long> _cells = [];
        private readonly Dictionary<(int Key, long Slot), Candidate> _exemplars = [];

        public void Add(ScannedTrace trace)
        {
            foreach (var span in TraceSpans.Build(ScanFields.ToTrace(trace)))
            {
                var key = new Key(span.ServiceName, span.Span.Name, (int)span.Span.Kind, (int)(span.Span.Status?.Code ?? 0), PlaceOf(span.NestedSetParent));
                if (!_keys.TryGetValue(key, out var index))
                {
                    _keys[key] = index = _keyList.Count;
                    _keyList.Add(key);
                }
                var cell = CellOf(span.StartUnixNano);
                var power = SeriesAggregator.Log2Power(span.DurationNanos / 1e9, isDuration: true);
                _cells[(index, cell, power)] = _cells.GetValueOrDefault((index, cell, power)) + 1;
                _exemplars.TryAdd((index, cell < 0 ? -1 : cell / ExemplarCells),
                    new Candidate(trace.TraceId.Value, span.Span.SpanId.Length == 8 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(span.Span.SpanId.Span) : 0,
                        span.StartUnixNano, span.DurationNanos));
            }
        }

        public byte[] ToBytes()
        {
            var strings = new Dictionary<string, int>(StringComparer.Ordinal);
            int Intern(string s)
            {
                if (!strings.TryGetValue(s, out var i)) strings[s] = i = strings.Count;
                return i;
            }
            foreach (var key in _keyList)
            {
                Intern(key.Service);
                Intern(key.Name);
            }
            var writer = new ByteWriter(1024 + _cells.Count * 6);
            writer.WriteVarint(strings.Count);
            foreach (var s in strings.OrderBy(p => p.Value)) writer.WriteString(s.Key);
            writer.WriteVarint(_keyList.Count);
            foreach (var key in _keyList)
            {
                writer.WriteVarint(strings[key.Service]);
                writer.WriteVarint(strings[key.Name]);
                writer.WriteByte((byte)key.Kind);
                writer.WriteByte((byte)key.Status);
                writer.WriteByte((byte)key.Place);
            }
            // Per key, its cells by time, each with its buckets: (key, cell, power) sorted.
            var cells = _cells.OrderBy(c => c.Key.Key).ThenBy(c => c.Key.Cell).ThenBy(c => c.Key.Power).ToList();
            var at = 0;
            for (var k = 0; k < _keyList.Count; k++)
            {
                var end = at;
                var cellCount = 0;
                for (long previous = long.MinValue; end < cells.Count && cells[end].Key.Key == k; end++)
                    if (cells[end].Key.Cell != previous)
                    {
                        cellCount++;
                        previous = cells[end].Key.Cell;
                    }
                writer.WriteVarint(cellCount);
                var last = 0L;
                while (at < end)
                {
                    var cell = cells[at].Key.Cell;
                    writer.WriteSigned(cell - last);
                    last = cell;
                    var buckets = 0;
                    while (at + buckets < end && cells[at + buckets].Key.Cell == cell) buckets++;
                    writer.WriteVarint(buckets);
                    for (var b = 0; b < buckets; b++, at++)
                    {
                        writer.WriteSigned(cells[at].Key.Power);
                        writer.WriteVarint(cells[at].Value);
                    }
                }
            }
            writer.WriteVarint(_exemplars.Count);
            foreach (var ((key, _), candidate) in _exemplars.OrderBy(e => e.Key.Key).ThenBy(e => e.Key.Slot))
            {
                writer.WriteVarint(key);
                writer.WriteUInt128(candidate.TraceId);
                writer.WriteFixed64(candidate.SpanId);
                writer.WriteSigned(candidate.StartUnixNano);
                writer.WriteSigned(candidate.DurationNanos);
            }
            return writer.WrittenSpan.ToArray();
        }
    }

    /// <summary>Reads a payload: keys, then per key its cells (cell, buckets of (power, count)), then exemplar candidates.</summary>
    public interface IReader
    {
        /// <summary>A key; returns whether its cells are wanted (false: they are skipped unread).</summary>
        bool Key(int index, Key key);

        void Cell(int key, long cell, int power, long count);

        void Exemplar(int key, Candidate candidate);
    }

    public static void Read(ReadOnlyMemory<byte> payload, IReader reader)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(payload, out var segment)
            ? new ByteReader(segment.Array!, segment.Offset, segment.Count)
            : new ByteReader(payload.ToArray());
        try
        {
            var strings = new string[bytes.ReadInt()];
            for (var i = 0; i < strings.Length; i++) strings[i] = bytes.ReadString();
            var keyCount = bytes.ReadInt();
            var wanted = new bool[keyCount];
            for (var k = 0; k < keyCount; k++)
            {
                var key = new Key(strings[bytes.ReadInt()], strings[bytes.ReadInt()], bytes.ReadByte(), bytes.ReadByte(), (TreePlace)bytes.ReadByte());
                wanted[k] = reader.Key(k, key);
            }
            for (var k = 0; k < keyCount; k++)
            {
                var cells = bytes.ReadInt();
                var cell = 0L;
                for (var c = 0; c < cells; c++)
                {
                    cell += bytes.ReadSigned();
                    var buckets = bytes.ReadInt();
                    for (var b = 0; b < buckets; b++)
                    {
                        var power = (int)bytes.ReadSigned();
                        var count = bytes.ReadLong();
                        if (wanted[k]) reader.Cell(k, cell, power, count);
                    }
                }
            }
            var exemplars = bytes.ReadInt();
            for (var e = 0; e < exemplars; e++)
            {
                var key = bytes.ReadInt();
                var candidate = new Candidate(bytes.ReadUInt128(), bytes.ReadFixed64(), bytes.ReadSigned(), bytes.ReadSigned());
                if (wanted[key]) reader.Exemplar(key, candidate);
            }
            if (!bytes.AtEnd) throw new InvalidDataException("bytes left after the payload");
        }
        catch (Exception e) when (e is IndexOutOfRangeException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"rollup {Instance.Id}: unreadable payload ({e.Message})", e);
        }
    }
}
