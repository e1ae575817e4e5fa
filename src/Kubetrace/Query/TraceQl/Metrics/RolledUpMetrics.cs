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
    /// histogram or quantiles of <c>duration</c>; by() on those fields; a step of whole seconds (cells are seconds).
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

/// <summary>One query's reader of rollup payloads into its first stage.</summary>
internal sealed class RolledUpCells(Pipeline pipeline, MetricsRequest request, SeriesAggregator stage, ExemplarSampler sampler, QueryCost cost)
    : SpanMetricsRollup.IReader
{
    private readonly PipelineEvaluator _evaluator = new();
    private readonly Dictionary<SpanMetricsRollup.Key, SpanRecord?> _standIns = [];
    private readonly List<SpanRecord?> _payloadKeys = [];
    private readonly bool _buckets = stage.UsesBuckets;

    public void Merge(ReadOnlyMemory<byte> payload)
    {
        _payloadKeys.Clear();
        SpanMetricsRollup.Read(payload, this);
    }

    public bool Key(int index, SpanMetricsRollup.Key key)
    {
        if (!_standIns.TryGetValue(key, out var standIn)) _standIns[key] = standIn = Matching(key);
        _payloadKeys.Add(standIn);
        return true; // its cells are counted as rolled up even when the filter drops them
    }

    public void Cell(int key, long cell, int power, long count)
    {
        cost.CountRolledUp(count);
        if (_payloadKeys[key] is null) return;
        var interval = request.Instant ? 0 : request.Interval((cell + 1) * SpanMetricsRollup.CellNanos);
        if (interval < 0) return;
        stage.AddCounted(_payloadKeys[key]!, interval, _buckets ? SeriesAggregator.BucketOf(power, isDuration: true) : 0, count);
    }

    public void Exemplar(int key, SpanMetricsRollup.Candidate candidate)
    {
        if (!sampler.Enabled || _payloadKeys[key] is null) return;
        var interval = request.Interval(candidate.StartUnixNano);
        if (interval < 0) return;
        var traceId = new TraceId(candidate.TraceId).ToBytes();
        if (!sampler.Claims(traceId)) return;
        var exemplar = new Exemplar(Evaluator.TrimmedHex(traceId), candidate.SpanId.ToString("x16"), candidate.StartUnixNano / 1_000_000, interval, double.NaN);
        stage.AddCountedExemplar(_payloadKeys[key]!, exemplar, candidate.DurationNanos / 1e9);
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
