namespace Kubetrace.Query.TraceQl;

/// <summary>
/// Runs a spanset pipeline on one trace (Tempo's Pipeline.evaluate and ast_execute.go): every element maps the
/// spansets of the previous one to new spansets. The trace enters as one spanset holding all its spans.
/// </summary>
public sealed class PipelineEvaluator
{
    private readonly Dictionary<FieldExpr, ExpressionShape> _shapes = new(ReferenceEqualityComparer.Instance);

    public List<Spanset> Evaluate(Element element, List<Spanset> input) => element switch
    {
        Pipeline p => p.Elements.Aggregate(input, (sets, e) => Evaluate(e, sets)),
        SpansetFilter f => Filter(f, input),
        SpansetOperation o => Operation(o, input),
        ScalarFilter f => ScalarFilter(f, input),
        Aggregate a => AggregateEach(a, input),
        GroupOperation g => Group(g, input),
        CoalesceOperation => [new Spanset(input.SelectMany(s => s.Spans).ToList())],
        SelectOperation => input, // selected attributes are read when results are written
        _ => throw new TraceQlException(TraceQlErrorKind.Unsupported, $"pipeline element {element}"),
    };

    private ExpressionShape Shape(FieldExpr e)
    {
        if (!_shapes.TryGetValue(e, out var shape)) _shapes[e] = shape = ExpressionShape.Of(e);
        return shape;
    }

    private List<Spanset> Filter(SpansetFilter filter, List<Spanset> input)
    {
        if (filter.Expression is Literal { Value.Type: StaticType.Boolean } constant)
            return constant.Value.AsBool ? input.Where(s => s.Spans.Count > 0).ToList() : [];
        var shape = Shape(filter.Expression);
        var output = new List<Spanset>(input.Count);
        foreach (var set in input)
        {
            var kept = set.Spans.Where(s => Evaluator.Matches(filter.Expression, s, shape)).ToList();
            if (kept.Count == 0) continue;
            output.Add(kept.Count == set.Spans.Count ? set : set.With(kept));
        }
        return output;
    }

    private List<Spanset> Operation(SpansetOperation o, List<Spanset> input)
    {
        var output = new List<Spanset>();
        foreach (var set in input)
        {
            var current = new List<Spanset> { set };
            var lhs = Evaluate(o.Lhs, current);
            var rhs = Evaluate(o.Rhs, current);
            List<SpanRecord> matching;
            switch (o.Op)
            {
                case Op.SpansetAnd:
                    if (lhs.Count == 0 || rhs.Count == 0) continue;
                    matching = UniqueSpans(lhs, rhs);
                    break;
                case Op.SpansetUnion:
                    if (lhs.Count == 0 && rhs.Count == 0) continue;
                    matching = UniqueSpans(lhs, rhs);
                    break;
                default:
                    if (rhs.Count == 0) continue;
                    if (lhs.Count > 1 || rhs.Count > 1)
                        throw new TraceQlException(TraceQlErrorKind.Validation,
                            "spanset operators are not supported for multiple spansets per trace. consider using coalesce()");
                    matching = Structural.Apply(o.Op, lhs.Count == 1 ? lhs[0].Spans : [], rhs[0].Spans);
                    break;
            }
            if (matching.Count > 0) output.Add(set.With(matching));
        }
        return output;
    }

    /// <summary>The spans of both sides once each, the smaller side's first (Tempo's uniqueSpans order).</summary>
    private static List<SpanRecord> UniqueSpans(List<Spanset> a, List<Spanset> b)
    {
        var countA = a.Sum(s => s.Spans.Count);
        var countB = b.Sum(s => s.Spans.Count);
        var (smaller, larger) = countA < countB ? (a, b) : (b, a);
        var seen = new HashSet<SpanRecord>();
        var output = new List<SpanRecord>(countA + countB);
        foreach (var span in smaller.SelectMany(s => s.Spans))
            if (seen.Add(span)) output.Add(span);
        foreach (var span in larger.SelectMany(s => s.Spans))
            if (seen.Add(span)) output.Add(span);
        return output;
    }

    private List<Spanset> ScalarFilter(ScalarFilter f, List<Spanset> input)
    {
        if (f is not { Lhs: Aggregate aggregate, Rhs: ScalarLiteral literal })
            throw new TraceQlException(TraceQlErrorKind.Unsupported, $"scalar filter {f}");
        var output = new List<Spanset>();
        foreach (var set in AggregateEach(aggregate, input))
            if (Compare(f.Op, set.Scalar, literal.Value)) output.Add(set);
        return output;
    }

    /// <summary>Tempo's binOp for scalar filters: numbers compare as floats, equality by value.</summary>
    private static bool Compare(Op op, Static lhs, Static rhs)
    {
        if (!lhs.Type.IsMatchingOperand(rhs.Type) || !op.BinaryTypesValid(lhs.Type, rhs.Type)) return false;
        return op switch
        {
            Op.Greater => lhs.AsFloat > rhs.AsFloat,
            Op.GreaterEqual => lhs.AsFloat >= rhs.AsFloat,
            Op.Less => lhs.AsFloat < rhs.AsFloat,
            Op.LessEqual => lhs.AsFloat <= rhs.AsFloat,
            Op.Equal => lhs.EqualsValue(rhs),
            Op.NotEqual => lhs.NotEqualsValue(rhs),
            _ => false,
        };
    }

    private List<Spanset> AggregateEach(Aggregate a, List<Spanset> input)
    {
        var output = new List<Spanset>(input.Count);
        foreach (var set in input)
        {
            Static? result = a.Op == AggregateOp.Count ? Static.Int(set.Spans.Count) : Reduce(a, set.Spans);
            if (result is not { } value) continue;
            var copy = set.With(set.Spans);
            copy.Scalar = value;
            copy.SetAttribute(a.ToString(), value);
            output.Add(copy);
        }
        return output;
    }

    private Static? Reduce(Aggregate a, List<SpanRecord> spans)
    {
        Static? acc = null;
        var count = 0;
        foreach (var span in spans)
        {
            var value = Evaluator.Execute(a.Expression!, new Evaluator.SpanContext(span));
            if (value.IsNil) continue;
            count++;
            acc = acc is not { } current ? value : a.Op switch
            {
                AggregateOp.Max => value.CompareTo(current) > 0 ? value : current,
                AggregateOp.Min => value.CompareTo(current) < 0 ? value : current,
                _ => SumInto(current, value),
            };
        }
        if (acc is not { } total) return null;
        if (a.Op != AggregateOp.Avg) return total;
        return total.Type switch
        {
            StaticType.Int => Static.Float((double)total.AsInt / count),
            StaticType.Duration => Static.Duration(total.AsInt / count),
            StaticType.Float => Static.Float(total.AsFloat / count),
            _ => total,
        };
    }

    /// <summary>Tempo's sumInto: values of another type than the first are skipped.</summary>
    private static Static SumInto(Static acc, Static value) => acc.Type != value.Type ? acc : acc.Type switch
    {
        StaticType.Int => Static.Int(acc.AsInt + value.AsInt),
        StaticType.Duration => Static.Duration(acc.AsInt + value.AsInt),
        StaticType.Float => Static.Float(acc.AsFloat + value.AsFloat),
        _ => acc,
    };

    private static List<Spanset> Group(GroupOperation g, List<Spanset> input)
    {
        var output = new List<Spanset>();
        var name = g.ToString();
        foreach (var set in input)
        {
            var groups = new Dictionary<(StaticType, long, double, string?), Spanset>();
            var order = new List<Spanset>();
            foreach (var span in set.Spans)
            {
                var value = Evaluator.Execute(g.Expression, new Evaluator.SpanContext(span));
                if (!groups.TryGetValue(value.GroupKey, out var group))
                {
                    group = new Spanset([]) { Attributes = [.. set.Attributes] };
                    group.SetAttribute(name, value);
                    groups[value.GroupKey] = group;
                    order.Add(group);
                }
                group.Spans.Add(span);
            }
            output.AddRange(order);
        }
        return output;
    }
}
