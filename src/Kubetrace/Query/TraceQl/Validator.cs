namespace Kubetrace.Query.TraceQl;

/// <summary>
/// Tempo's semantic checks (pkg/traceql/ast_validate.go), with its messages: type errors, filters that are not
/// boolean, aggregates of non-numbers, <c>intrinsic = nil</c>, invalid regexes (compiled here once, linear time),
/// and what Tempo reports as not yet supported (<c>parent.</c> attributes, scalar filters beyond
/// <c>aggregate op number</c>).
/// </summary>
public static class Validator
{
    /// <summary>Maximum <c>by()</c> attributes of a metrics query (Tempo's maxGroupBys).</summary>
    public const int MaxGroupBys = 5;

    public static void Validate(RootExpr root)
    {
        foreach (var leaf in root.Expression.Leaves())
        {
            Pipeline(leaf.Pipeline!);
            if (leaf.Metrics is { } metrics) Metrics(metrics);
        }
        ValidateStages(root.Expression);
        if (root.Expression.Leaves().Any(l => l.Metrics?.Op == MetricsOp.Compare) &&
            (root.Expression.Op != Op.None || root.Expression.Stages.Count > 0))
            throw Invalid("`compare()` cannot be used with second stage functions");
    }

    private static void ValidateStages(QueryExpression e)
    {
        if (e.Op != Op.None)
        {
            ValidateStages(e.Lhs!);
            ValidateStages(e.Rhs!);
        }
        foreach (var stage in e.Stages)
            if (stage is TopKBottomK { Limit: <= 0 }) throw Invalid("limit must be greater than 0");
    }

    private static void Metrics(MetricsAggregate m)
    {
        if (m.Attribute is { } attribute) Attribute(attribute);
        foreach (var by in m.By) Attribute(by);
        if (m.Op is MetricsOp.QuantileOverTime or MetricsOp.HistogramOverTime && m.By.Count >= MaxGroupBys || m.By.Count > MaxGroupBys)
            throw Unsupported($"metrics group by {m.By.Count} values");
        foreach (var q in m.Quantiles)
            if (q is < 0 or > 1) throw Invalid($"quantile must be between 0 and 1: {GoFloat.Format(q)}");
        if (m.CompareFilter is { } filter)
        {
            Element(filter);
            CompareArguments(m);
        }
    }

    /// <summary>Tempo's MetricsCompare.validate: topN bounded (1000), the selection window in Unix nanoseconds.</summary>
    private static void CompareArguments(MetricsAggregate m)
    {
        const int maxTopN = 1000;
        if (m.CompareTopN is <= 0 or > maxTopN)
            throw Invalid($"compare() top number of values must be an integer between 1 and {maxTopN}");
        if (m.CompareStart == 0 && m.CompareEnd == 0) return;
        if (m.CompareStart <= 0 || m.CompareEnd <= 0) throw Invalid("compare() timestamps must be positive integer unix nanoseconds");
        if (m.CompareEnd <= m.CompareStart) throw Invalid("compare() end timestamp must be greater than start timestamp");
    }

    private static void Pipeline(Pipeline pipeline)
    {
        foreach (var element in pipeline.Elements) Element(element);
    }

    private static void Element(Element element)
    {
        switch (element)
        {
            case Pipeline p:
                Pipeline(p);
                break;
            case SpansetFilter f:
                Field(f.Expression);
                if (f.Expression.ImpliedType is not (StaticType.Attribute or StaticType.Boolean))
                    throw Invalid("span filter field expressions must resolve to a boolean: " + f);
                break;
            case SpansetOperation o:
                Element(o.Lhs);
                Element(o.Rhs);
                break;
            case ScalarFilter f:
                Element(f.Lhs);
                Element(f.Rhs);
                CheckOperands(f.Op, ScalarType(f.Lhs), ScalarType(f.Rhs), f);
                if (f.Lhs is not Aggregate) throw Unsupported("scalar filter lhs of type (%v)");
                if (f.Rhs is not ScalarLiteral) throw Unsupported("scalar filter rhs of type (%v)");
                break;
            case ScalarOperation o:
                Element(o.Lhs);
                Element(o.Rhs);
                CheckOperands(o.Op, ScalarType(o.Lhs), ScalarType(o.Rhs), o);
                break;
            case Aggregate { Expression: { } e } a:
                Field(e);
                if (e.ImpliedType != StaticType.Attribute && !e.ImpliedType.IsNumeric())
                    throw Invalid("aggregate field expressions must resolve to a number type: " + a);
                if (!e.ReferencesSpan) throw Invalid("aggregate field expressions must reference the span: " + a);
                break;
            case GroupOperation g:
                if (!g.Expression.ReferencesSpan) throw Invalid("grouping field expressions must reference the span: " + g);
                Field(g.Expression);
                break;
            case SelectOperation s:
                foreach (var attribute in s.Attributes) Attribute(attribute);
                break;
        }
    }

    private static StaticType ScalarType(Element e) => e switch
    {
        Aggregate { Op: AggregateOp.Count } or Aggregate { Expression: null } => StaticType.Int,
        Aggregate a => a.Expression!.ImpliedType,
        ScalarLiteral l => l.Value.Type,
        ScalarOperation o => o.Op.IsBoolean() ? StaticType.Boolean : ScalarType(o.Lhs) is var t && t != StaticType.Attribute ? t : ScalarType(o.Rhs),
        Pipeline { Elements: [.., Aggregate last] } => ScalarType(last),
        _ => StaticType.Spanset,
    };

    private static void CheckOperands(Op op, StaticType lhs, StaticType rhs, Element e)
    {
        if (!lhs.IsMatchingOperand(rhs)) throw Invalid("binary operations must operate on the same type: " + e);
        if (!op.BinaryTypesValid(lhs, rhs)) throw Invalid("illegal operation for the given types: " + e);
    }

    private static void Attribute(AttributeRef a)
    {
        if (a.Parent) throw Unsupported("parent");
        if (a.Intrinsic == Intrinsic.Parent) throw Unsupported("intrinsic (parent)");
    }

    /// <summary>Validates a field expression; compiles its regexes.</summary>
    private static void Field(FieldExpr e)
    {
        if (FieldError(e) is { } error) throw error;
    }

    /// <summary>The first problem of a field expression, or null (also used to decide constant folding).</summary>
    internal static TraceQlException? FieldError(FieldExpr e)
    {
        switch (e)
        {
            case AttributeRef a:
                if (a.Parent) return Unsupported("parent");
                if (a.Intrinsic == Intrinsic.Parent) return Unsupported("intrinsic (parent)");
                return null;
            case BinaryExpr b:
                if ((FieldError(b.Lhs) ?? FieldError(b.Rhs)) is { } inner) return inner;
                var lhsT = b.Lhs.ImpliedType;
                var rhsT = b.Rhs.ImpliedType;
                if (!lhsT.IsMatchingOperand(rhsT)) return Invalid("binary operations must operate on the same type: " + b);
                if (!b.Op.BinaryTypesValid(lhsT, rhsT)) return Invalid("illegal operation for the given types: " + b);
                if (b.Op is Op.Regex or Op.NotRegex or Op.RegexMatchAny or Op.RegexMatchNone)
                {
                    if (b.Rhs is not Literal { Value: var pattern } || pattern.Type is not (StaticType.String or StaticType.StringArray))
                        return Invalid($"invalid type for =~ or !~: {b.Rhs}");
                    try
                    {
                        b.Regexes ??= pattern.Elements().Select(p => Evaluator.CompileRegex(p.AsString)).ToArray();
                    }
                    catch (TraceQlException)
                    {
                        return Invalid("invalid regex: " + b.Rhs);
                    }
                }
                return null;
            case UnaryExpr u:
                if (FieldError(u.Operand) is { } operandError) return operandError;
                if (u.Op == Op.NotExists && u.Operand is AttributeRef attr)
                {
                    if (attr.Intrinsic != Intrinsic.None)
                        return Invalid($"{attr}=nil is not valid because intrinsics cannot be nil");
                    if (attr is { Scope: AttributeScope.Resource, Parent: false, Name: "service.name" })
                        return Invalid($"{attr}=nil is not valid because resource.service.name cannot be nil");
                }
                var t = u.Operand.ImpliedType;
                if (t != StaticType.Attribute && !u.Op.UnaryTypeValid(t)) return Invalid("illegal operation for the given type: " + u);
                return null;
            default:
                return null;
        }
    }

    private static TraceQlException Invalid(string detail) => new(TraceQlErrorKind.Validation, detail);

    private static TraceQlException Unsupported(string feature) => new(TraceQlErrorKind.Unsupported, feature);
}
