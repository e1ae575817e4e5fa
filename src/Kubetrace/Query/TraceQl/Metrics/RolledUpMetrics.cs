using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>
/// Answers a metrics query's rolled-up share from <see cref="SpanMetricsRollup"/> payloads: each key of a payload
/// becomes one stand-in span (a trace of the key's service, name, kind, status and place in the tree, built as the
/// scan path builds spans), the query's filter and by() run on it exactly as on a scanned span, and the key's cells
/// are added to the first stage as counts. So the answer is the scan's wherever <see cref="Allows"/> holds.
/// </summary>
internal static class RolledUpMetrics
{
    /// <summary>
    /// Whether the rollup can answer the query: one spanset filter reading only service name (resource-scoped),
    /// name, kind, status, and <c>nestedSetParent</c> compared with a number ≤ 0 (the rollup knows root / not
    /// reached / child, and no other value of it tells those apart); <c>rate</c>, <c>count_over_time</c>, or the
    /// histogram or quantiles of <c>duration</c>; by() on those fields; a step of whole seconds (the finest cells are seconds).
    /// </summary>
    public static bool Allows(Pipeline pipeline, MetricsAggregate metrics, MetricsRequest request)
    {
        if (!request.Instant && request.Step % SpanMetricsRollup.CellNanos != 0) return false;
        if (pipeline.Elements is not [SpansetFilter filter] || !FilterAllowed(filter.Expression)) return false;
        var counts = metrics.Op switch
        {
            MetricsOp.Rate or MetricsOp.CountOverTime => metrics.Attribute is null,
            MetricsOp.HistogramOverTime or MetricsOp.QuantileOverTime => metrics.Attribute is { Intrinsic: Intrinsic.Duration, Parent: false },
            _ => false,
        };
        return counts && metrics.By.All(KeyField);
    }

    private static bool KeyField(AttributeRef a) =>
        a is { Parent: false, Intrinsic: Intrinsic.Name or Intrinsic.Kind or Intrinsic.Status }
        || a is { Intrinsic: Intrinsic.None, Parent: false, Scope: AttributeScope.Resource, Name: "service.name" };

    private static bool FilterAllowed(FieldExpr e) => e switch
    {
        Literal => true,
        AttributeRef a => KeyField(a),
        BinaryExpr { Op: var op, Lhs: AttributeRef { Intrinsic: Intrinsic.NestedSetParent, Parent: false }, Rhs: Literal l } when IsComparison(op) => AtMostZero(l),
        BinaryExpr { Op: var op, Lhs: Literal l, Rhs: AttributeRef { Intrinsic: Intrinsic.NestedSetParent, Parent: false } } when IsComparison(op) => AtMostZero(l),
        BinaryExpr b => FilterAllowed(b.Lhs) && FilterAllowed(b.Rhs),
        UnaryExpr u => FilterAllowed(u.Operand),
        _ => false,
    };

    private static bool IsComparison(Op op) => op is Op.Equal or Op.NotEqual or Op.Less or Op.LessEqual or Op.Greater or Op.GreaterEqual;

    /// <summary>Compared with an integer c ≤ 0, every positive left bound gives the same answer, so "child" stands for all.</summary>
    private static bool AtMostZero(Literal l) => l.Value.Type == StaticType.Int && l.Value.AsInt <= 0;
}

/// <summary>
/// One query's reader of rollup payloads into its first stage. Per payload it reads the coarsest cells the step
/// allows; per key (not per block or cell) it runs the filter and finds the series once; per cell it adds a count
/// to an array, finding the interval by a division only when the cells cross into another one.
/// </summary>
internal sealed class RolledUpCells(Pipeline pipeline, MetricsRequest request, SeriesAggregator stage, ExemplarSampler sampler, QueryCost cost)
{
    private readonly PipelineEvaluator _evaluator = new();
    private readonly Dictionary<SpanMetricsRollup.Key, SeriesCounts?> _series = [];
    private readonly bool _buckets = stage.UsesBuckets;

    public void Merge(ReadOnlyMemory<byte> bytes)
    {
        var payload = SpanMetricsPayload.Open(bytes);
        var level = payload.LevelFor(request);
        var cellNanos = payload.CellNanos(level);
        var series = new SeriesCounts?[payload.Keys.Count];
        for (var k = 0; k < series.Length; k++)
        {
            var key = payload.Keys[k];
            if (!_series.TryGetValue(key, out var counts)) _series[key] = counts = Matching(key) is { } standIn ? new SeriesCounts(stage, standIn) : null;
            series[k] = counts;
            var cells = payload.Cells(level, k);
            cost.CountRolledUp(cells.Total); // counted as rolled up even when the filter drops them
            if (counts is null) continue;
            cost.CountRolledUpCells(cells.CellCount);
            Add(cells, cellNanos, counts);
        }
        if (sampler.Enabled) payload.ForEachExemplar((key, candidate) => Exemplar(series[key], candidate));
    }

    private void Add(SpanMetricsPayload.CellReader cells, long cellNanos, SeriesCounts counts)
    {
        var intervals = new IntervalWalk(request, cellNanos);
        while (cells.Next(out var cell, out var count))
        {
            var interval = intervals.Of(cell);
            if (interval >= 0) counts.Count[interval] += count;
            if (!_buckets) continue;
            for (var b = cells.NextBuckets(); b > 0; b--)
            {
                var (power, spans) = cells.NextBucket();
                if (interval >= 0) counts.Bucket(power)[interval] += spans;
            }
        }
    }

    private void Exemplar(SeriesCounts? counts, SpanMetricsRollup.Candidate candidate)
    {
        if (counts is null || sampler.Full) return;
        var interval = request.Interval(candidate.StartUnixNano);
        if (interval < 0) return;
        var traceId = new TraceId(candidate.TraceId).ToBytes();
        if (!sampler.Claims(traceId)) return;
        var exemplar = new Exemplar(Evaluator.TrimmedHex(traceId), candidate.SpanId.ToString("x16"), candidate.StartUnixNano / 1_000_000, interval, double.NaN);
        stage.AddCountedExemplar(counts.StandIn, exemplar, candidate.DurationNanos / 1e9);
    }

    /// <summary>A key's series: found at its first count in the range (a key with none makes no series, as in a
    /// scan), then its arrays are written directly.</summary>
    private sealed class SeriesCounts(SeriesAggregator stage, SpanRecord standIn)
    {
        private SeriesAggregator.Group? _group;
        private readonly double[]?[] _byPower = new double[SpanMetricsRollup.PowerSlots][];

        public SpanRecord StandIn => standIn;

        public double[] Count => (_group ??= stage.GroupOf(standIn)).Count;

        public double[] Bucket(int power) => _byPower[power + 1] ??= stage.Bucket(_group ??= stage.GroupOf(standIn), SeriesAggregator.BucketOf(power, isDuration: true));
    }

    /// <summary>Maps a key's cells, in time order, to the query's intervals (-1: outside them). A range query's
    /// interval of a cell is that of the cell's end (cells and intervals are right-closed); an instant query's one
    /// interval holds every cell of a rollup it reads (the store serves it only rollups inside its range).</summary>
    private struct IntervalWalk(MetricsRequest request, long cellNanos)
    {
        private long _low = long.MaxValue, _high = long.MinValue;
        private int _interval;

        public int Of(long cell)
        {
            if (request.Instant) return 0;
            var end = (cell + 1) * cellNanos;
            if (end > _low && end <= _high) return _interval;
            _interval = request.Interval(end);
            if (_interval >= 0)
            {
                _low = request.AlignedStart + _interval * request.Step;
                _high = _low + request.Step;
            }
            return _interval;
        }
    }

    /// <summary>The key's stand-in span when the query's filter keeps it, else null.</summary>
    private SpanRecord? Matching(SpanMetricsRollup.Key key)
    {
        var standIn = StandIn(key);
        foreach (var spanset in _evaluator.Evaluate(pipeline, [new Spanset([standIn])]))
            if (spanset.Spans.Contains(standIn)) return standIn;
        return null;
    }

    /// <summary>A span with the key's fields, in a trace that puts it at the key's place in the tree.</summary>
    private static SpanRecord StandIn(SpanMetricsRollup.Key key)
    {
        var trace = new ScannedTrace { TraceId = new TraceId(1) };
        var span = new ScannedSpan
        {
            SpanId = 2, Service = key.Service, Name = key.Name, Kind = (Otlp.Proto.Trace.Span.Types.SpanKind)key.Kind, StatusCode = key.Status,
            StartUnixNano = 1, EndUnixNano = 1,
            ParentSpanId = key.Place == SpanMetricsRollup.TreePlace.Root ? 0UL : 1UL,
        };
        if (key.Place == SpanMetricsRollup.TreePlace.Child) trace.Spans.Add(new ScannedSpan { SpanId = 1, Service = key.Service, Name = "", StartUnixNano = 1, EndUnixNano = 1 });
        if (key.Place == SpanMetricsRollup.TreePlace.Unreached) span.ParentSpanId = 3; // a parent that is not there
        trace.Spans.Add(span);
        var records = TraceSpans.Build(ScanFields.ToTrace(trace));
        var record = records.First(r => r.Span.SpanId.Span[^1] == 2);
        if (SpanMetricsRollup.PlaceOf(record.NestedSetParent) != key.Place)
            throw new InvalidOperationException($"stand-in span for {key} sits at {record.NestedSetParent}");
        return record;
    }
}
