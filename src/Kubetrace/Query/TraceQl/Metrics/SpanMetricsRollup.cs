using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>
/// The TraceQL metrics rollup: per block (per minute window on ClickHouse), how many spans started in each cell of
/// time per (service, name, kind, status, root or not), split by Tempo's power-of-two duration buckets, and one
/// exemplar candidate per key and minute. Enough to answer <c>rate</c>, <c>count_over_time</c>,
/// <c>histogram_over_time(duration)</c> and <c>quantile_over_time(duration, ...)</c> with filters and <c>by()</c> on
/// those fields exactly as a scan would (<see cref="RolledUpMetrics"/>). Cells come in two widths
/// (<see cref="LevelSeconds"/>): seconds, because Grafana's steps are whole seconds (Traces Drilldown asks for
/// range/50, e.g. 72 s for an hour) and Tempo's default steps for ranges of a minute or more are too; and minutes,
/// read instead when the step is whole minutes (the usual dashboard step), which the data's many span names and
/// durations otherwise make nearly one cell per span.
/// </summary>
/// <remarks>
/// The spans are those the scan path evaluates (<see cref="ScanFields.ToTrace"/> then <see cref="TraceSpans.Build"/>:
/// duplicates removed, nested sets numbered), so a key's fields, its root class and its duration bucket are what the
/// engine would have seen. Change <see cref="Id"/>'s version when the bytes change: older sidecars are rebuilt.
/// Layout (<see cref="SpanMetricsPayload"/> reads it): strings; keys; per level its width in seconds and, per key,
/// two length-prefixed parts, so a query skips the keys its filter drops and a count skips the buckets: counts
/// (the key's span total, its cell count, then per cell the cell's delta and its span count) and buckets (per
/// cell, its bucket count, then per bucket power + 1 and span count); then the exemplar candidates.
/// </remarks>
internal sealed class SpanMetricsRollup : IRollup
{
    public static SpanMetricsRollup Instance { get; } = new();

    private SpanMetricsRollup()
    {
    }

    /// <summary>Version 2: minute cells beside second cells, counts apart from buckets (version 1: seconds only).</summary>
    public string Id => "traceql-metrics-2";

    public IReadOnlyList<string> AttributeKeys => [];

    public IRollupAccumulator CreateAccumulator() => new Accumulator();

    /// <summary>The finest cell width: one second, in nanoseconds. A cell of width w holds spans starting in
    /// (c·w, (c + 1)·w], right-closed like the query's intervals, so a cell never straddles two intervals of a step
    /// that is a whole number of cells (the intervals are aligned to the step, so to the cells too).</summary>
    public const long CellNanos = 1_000_000_000;

    /// <summary>The cell widths kept, in seconds, finest first: each divides the next, so a second cell lies in
    /// exactly one minute cell.</summary>
    public static readonly IReadOnlyList<long> LevelSeconds = [1, 60];

    /// <summary>The second cell of a span starting at <paramref name="startUnixNano"/> (-1: at or before the epoch).</summary>
    public static long CellOf(long startUnixNano) => startUnixNano <= 0 ? -1 : (startUnixNano - 1) / CellNanos;

    /// <summary>The cell of <paramref name="seconds"/> width holding second cell <paramref name="cell"/>.</summary>
    public static long Coarser(long cell, long seconds) => cell < 0 ? -1 : cell / seconds;

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
            var cells = _cells.Select(c => (c.Key.Key, c.Key.Cell, c.Key.Power, Count: c.Value))
                .OrderBy(c => c.Key).ThenBy(c => c.Cell).ThenBy(c => c.Power).ToArray();
            writer.WriteVarint(LevelSeconds.Count);
            var level = new LevelWriter();
            foreach (var seconds in LevelSeconds)
            {
                writer.WriteVarint(seconds);
                var at = 0;
                for (var k = 0; k < _keyList.Count; k++)
                {
                    var end = at;
                    while (end < cells.Length && cells[end].Key == k) end++;
                    level.Start();
                    for (; at < end; at++) level.Add(Coarser(cells[at].Cell, seconds), cells[at].Power, cells[at].Count);
                    level.WriteTo(writer);
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

    /// <summary>One key's cells at one width, as two parts (see the layout above); cells come in time order.</summary>
    private sealed class LevelWriter
    {
        private readonly ByteWriter _counts = new(256);
        private readonly ByteWriter _buckets = new(256);
        private readonly long[] _byPower = new long[PowerSlots];
        private readonly List<int> _powers = [];
        private long _cell, _lastCell, _total;
        private int _cellCount;

        public void Start()
        {
            _counts.Clear();
            _buckets.Clear();
            _cell = long.MinValue;
            _lastCell = _total = 0;
            _cellCount = 0;
        }

        public void Add(long cell, int power, long count)
        {
            if (cell != _cell)
            {
                EndCell();
                _cell = cell;
            }
            if (_byPower[power + 1] == 0) _powers.Add(power + 1);
            _byPower[power + 1] += count;
        }

        public void WriteTo(ByteWriter writer)
        {
            EndCell();
            var head = new ByteWriter(16);
            head.WriteVarint(_total);
            head.WriteVarint(_cellCount);
            writer.WriteVarint(head.Length + _counts.Length);
            writer.WriteRaw(head.WrittenSpan);
            writer.WriteRaw(_counts.WrittenSpan);
            writer.WriteBytes(_buckets.WrittenSpan);
        }

        private void EndCell()
        {
            if (_powers.Count == 0) return;
            _powers.Sort();
            var sum = 0L;
            _buckets.WriteVarint(_powers.Count);
            foreach (var slot in _powers)
            {
                _buckets.WriteVarint(slot);
                _buckets.WriteVarint(_byPower[slot]);
                sum += _byPower[slot];
                _byPower[slot] = 0;
            }
            _powers.Clear();
            _counts.WriteSigned(_cell - _lastCell);
            _counts.WriteVarint(sum);
            _lastCell = _cell;
            _total += sum;
            _cellCount++;
        }
    }

    /// <summary>Duration powers of two are -1 (under 2 ns) to 64: stored as power + 1.</summary>
    internal const int PowerSlots = 66;
}
