using System.Globalization;
using System.Text.RegularExpressions;

namespace Kubetrace.Query.TraceQl;

/// <summary>
/// A node of a parsed TraceQL query. <see cref="ToString"/> is Tempo's canonical form (RootExpr.String()), which the
/// conformance round-trip cases compare, and which names aggregate and group-by attributes in results.
/// </summary>
public abstract class Element
{
    public abstract override string ToString();

    /// <summary>Tempo's wrapElement: values and attributes stand alone, anything else is parenthesised.</summary>
    protected static string Wrap(Element e) => e is Literal or AttributeRef or ScalarLiteral ? e.ToString() : "(" + e + ")";

    protected static string Binary(Op op, Element lhs, Element rhs) => Wrap(lhs) + " " + op.Text() + " " + Wrap(rhs);
}

// ---------- field expressions: what a spanset filter tests on one span ----------

public abstract class FieldExpr : Element
{
    public abstract StaticType ImpliedType { get; }

    /// <summary>Whether evaluating needs a span (a constant expression does not, and is folded at parse time).</summary>
    public abstract bool ReferencesSpan { get; }
}

public sealed class Literal(Static value) : FieldExpr
{
    public Static Value { get; } = value;
    public override StaticType ImpliedType => Value.Type;
    public override bool ReferencesSpan => false;
    public override string ToString() => Value.ToString();
}

public sealed class AttributeRef(string name, AttributeScope scope, bool parent, Intrinsic intrinsic) : FieldExpr
{
    public string Name { get; } = name;
    public AttributeScope Scope { get; } = scope;
    public bool Parent { get; } = parent;
    public Intrinsic Intrinsic { get; } = intrinsic;

    public static AttributeRef Of(Intrinsic intrinsic) => new(intrinsic.Text(), AttributeScope.None, false, intrinsic);

    /// <summary>A scoped or unscoped attribute; an unscoped name that is an intrinsic's is that intrinsic.</summary>
    public static AttributeRef Scoped(AttributeScope scope, bool parent, string name) =>
        new(name, scope, parent, scope == AttributeScope.None && !parent ? Intrinsics.FromName(name) : Intrinsic.None);

    public override StaticType ImpliedType => Intrinsic.Type();
    public override bool ReferencesSpan => true;

    public override bool Equals(object? obj) => obj is AttributeRef a && a.Name == Name && a.Scope == Scope && a.Parent == Parent && a.Intrinsic == Intrinsic;
    public override int GetHashCode() => HashCode.Combine(Name, Scope, Parent, Intrinsic);

    public override string ToString()
    {
        var scopes = new List<string>(2);
        if (Parent) scopes.Add("parent");
        if (Scope != AttributeScope.None) scopes.Add(Scope.Text());
        var name = Intrinsic != Intrinsic.None ? Intrinsic.Text() : Name;
        var prefix = scopes.Count > 0 ? string.Join('.', scopes) + "." : "";
        if (prefix.Length == 0 && Intrinsic == Intrinsic.None && name.Length > 0) prefix = ".";
        if (name.Any(c => !Lexer.IsAttributeRune(c) || c == '"'))
            name = "\"" + name.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        return prefix + name;
    }
}

public sealed class BinaryExpr(Op op, FieldExpr lhs, FieldExpr rhs) : FieldExpr
{
    public Op Op { get; } = op;
    public FieldExpr Lhs { get; } = lhs;
    public FieldExpr Rhs { get; } = rhs;

    /// <summary>The compiled regexes of a regex operation, set by validation (one per pattern).</summary>
    internal Regex[]? Regexes { get; set; }

    public override StaticType ImpliedType
    {
        get
        {
            if (Op.IsBoolean()) return StaticType.Boolean;
            var t = Lhs.ImpliedType;
            return t != StaticType.Attribute ? t : Rhs.ImpliedType;
        }
    }

    public override bool ReferencesSpan => Lhs.ReferencesSpan || Rhs.ReferencesSpan;
    public override string ToString() => Binary(Op, Lhs, Rhs);
}

public sealed class UnaryExpr(Op op, FieldExpr operand) : FieldExpr
{
    public Op Op { get; } = op;
    public FieldExpr Operand { get; } = operand;
    public override StaticType ImpliedType => Op is Op.Exists or Op.NotExists ? StaticType.Boolean : Operand.ImpliedType;
    public override bool ReferencesSpan => Operand.ReferencesSpan;

    public override string ToString() => Op switch
    {
        Op.Exists => Wrap(Operand) + " != nil",
        Op.NotExists => Wrap(Operand) + " = nil",
        _ => Op.Text() + Wrap(Operand),
    };
}

// ---------- pipeline elements: what runs on spansets ----------

public sealed class SpansetFilter(FieldExpr expression) : Element
{
    public FieldExpr Expression { get; } = expression;
    public override string ToString() => "{ " + Expression + " }";
}

/// <summary><c>A op B</c> between spansets: <c>&amp;&amp; ||</c> and the structural relations.</summary>
public sealed class SpansetOperation(Op op, Element lhs, Element rhs) : Element
{
    public Op Op { get; } = op;
    public Element Lhs { get; } = lhs;
    public Element Rhs { get; } = rhs;
    public override string ToString() => Binary(Op, Lhs, Rhs);
}

/// <summary>A comparison of aggregates per spanset: <c>count() &gt; 2</c>, <c>avg(duration) &gt; 1s</c>.</summary>
public sealed class ScalarFilter(Op op, Element lhs, Element rhs) : Element
{
    public Op Op { get; } = op;
    public Element Lhs { get; } = lhs;
    public Element Rhs { get; } = rhs;
    public override string ToString() => Binary(Op, Lhs, Rhs);
}

public sealed class ScalarOperation(Op op, Element lhs, Element rhs) : Element
{
    public Op Op { get; } = op;
    public Element Lhs { get; } = lhs;
    public Element Rhs { get; } = rhs;
    public override string ToString() => Binary(Op, Lhs, Rhs);
}

/// <summary>A constant in a scalar (aggregate) context.</summary>
public sealed class ScalarLiteral(Static value) : Element
{
    public Static Value { get; } = value;
    public override string ToString() => Value.ToString();
}

public enum AggregateOp { Count, Avg, Max, Min, Sum }

public sealed class Aggregate(AggregateOp op, FieldExpr? expression) : Element
{
    public AggregateOp Op { get; } = op;
    public FieldExpr? Expression { get; } = expression;
    public override string ToString() => Op.ToString().ToLowerInvariant() + "(" + Expression + ")";
}

public sealed class GroupOperation(FieldExpr expression) : Element
{
    public FieldExpr Expression { get; } = expression;
    public override string ToString() => "by(" + Expression + ")";
}

public sealed class CoalesceOperation : Element
{
    public override string ToString() => "coalesce()";
}

public sealed class SelectOperation(IReadOnlyList<AttributeRef> attributes) : Element
{
    public IReadOnlyList<AttributeRef> Attributes { get; } = attributes;
    public override string ToString() => "select(" + string.Join(", ", Attributes) + ")";
}

/// <summary>Elements joined by <c>|</c>; each receives the spansets the previous one produced.</summary>
public sealed class Pipeline(IReadOnlyList<Element> elements) : Element
{
    public IReadOnlyList<Element> Elements { get; } = elements;
    public override string ToString() => string.Join("|", Elements);
}

// ---------- metrics ----------

public enum MetricsOp { Rate, CountOverTime, MinOverTime, MaxOverTime, AvgOverTime, SumOverTime, QuantileOverTime, HistogramOverTime, Compare }

/// <summary>The first metrics stage: <c>rate()</c>, <c>quantile_over_time(duration, .9) by (x)</c>, <c>compare({...})</c>.</summary>
public sealed class MetricsAggregate(MetricsOp op, AttributeRef? attribute, IReadOnlyList<double> quantiles,
    IReadOnlyList<AttributeRef> by) : Element
{
    public MetricsOp Op { get; } = op;
    public AttributeRef? Attribute { get; } = attribute;
    public IReadOnlyList<double> Quantiles { get; } = quantiles;
    public IReadOnlyList<AttributeRef> By { get; } = by;
    public SpansetFilter? CompareFilter { get; init; }
    public int CompareTopN { get; init; } = 10;
    public long CompareStart { get; init; }
    public long CompareEnd { get; init; }

    public string Name => Op switch
    {
        MetricsOp.Rate => "rate", MetricsOp.CountOverTime => "count_over_time", MetricsOp.MinOverTime => "min_over_time",
        MetricsOp.MaxOverTime => "max_over_time", MetricsOp.AvgOverTime => "avg_over_time", MetricsOp.SumOverTime => "sum_over_time",
        MetricsOp.QuantileOverTime => "quantile_over_time", MetricsOp.HistogramOverTime => "histogram_over_time", _ => "compare",
    };

    public override string ToString()
    {
        var s = Name + "(";
        if (Op == MetricsOp.Compare)
            s += CompareFilter + (CompareTopN != 10 || CompareStart != 0 ? "," + CompareTopN : "") +
                 (CompareStart != 0 || CompareEnd != 0 ? "," + CompareStart + "," + CompareEnd : "");
        if (Attribute is not null) s += Attribute;
        if (Op == MetricsOp.QuantileOverTime)
            s += "," + string.Join(",", Quantiles.Select(q => q.ToString("F5", CultureInfo.InvariantCulture)));
        s += ")";
        if (By.Count > 0) s += "by(" + string.Join(",", By) + ")";
        return s;
    }
}

/// <summary>An operation on the series the first stage produced (topk, a filter on values, scalar arithmetic).</summary>
public abstract class SecondStage : Element
{
    public abstract string Separator { get; }
}

public sealed class TopKBottomK(bool bottom, long limit) : SecondStage
{
    public bool Bottom { get; } = bottom;
    public long Limit { get; } = limit;
    public override string Separator => " | ";
    public override string ToString() => (Bottom ? "bottomk(" : "topk(") + Limit + ")";
}

public sealed class MetricsFilter(Op op, double value) : SecondStage
{
    public Op Op { get; } = op;
    public double Value { get; } = value;
    public override string Separator => " ";
    public override string ToString() => Op.Text() + " " + FormatValue(Value);

    /// <summary>Tempo's formatFloat: whole numbers without a point, others as %g.</summary>
    public static string FormatValue(double v) =>
        v == Math.Truncate(v) && !double.IsInfinity(v) && Math.Abs(v) < 9.2e18 ? ((long)v).ToString(CultureInfo.InvariantCulture) : GoFloat.Format(v);
}

public sealed class MetricsScalarOp(Op op, double value, bool scalarOnLeft) : SecondStage
{
    public Op Op { get; } = op;
    public double Value { get; } = value;
    public bool ScalarOnLeft { get; } = scalarOnLeft;
    public override string Separator => "";
    public override string ToString() => ScalarOnLeft ? MetricsFilter.FormatValue(Value) + " " + Op.Text() + " " : " " + Op.Text() + " " + MetricsFilter.FormatValue(Value);

    public string Wrap(string inner) => ScalarOnLeft
        ? MetricsFilter.FormatValue(Value) + " " + Op.Text() + " (" + inner + ")"
        : "(" + inner + ") " + Op.Text() + " " + MetricsFilter.FormatValue(Value);
}

/// <summary>
/// The query's shape: a leaf (a spanset pipeline, optionally with a metrics stage) or arithmetic between two metrics
/// queries, each followed by second-stage operations.
/// </summary>
public sealed class QueryExpression
{
    public Op Op { get; init; } = Op.None;
    public Pipeline? Pipeline { get; init; }
    public MetricsAggregate? Metrics { get; init; }
    public QueryExpression? Lhs { get; init; }
    public QueryExpression? Rhs { get; init; }
    public List<SecondStage> Stages { get; } = [];

    public bool IsMetrics => Op != Op.None || Metrics is not null;

    public IEnumerable<QueryExpression> Leaves() =>
        Op == Op.None ? [this] : Lhs!.Leaves().Concat(Rhs!.Leaves());

    public override string ToString()
    {
        var s = Op == Op.None
            ? Pipeline + (Metrics is null ? "" : " | " + Metrics)
            : "(" + Lhs + ") " + Op.Text() + " (" + Rhs + ")";
        foreach (var stage in Stages)
            s = stage is MetricsScalarOp scalar ? scalar.Wrap(s) : s + stage.Separator + stage;
        return s;
    }
}

public sealed record Hint(string Name, Static Value);

/// <summary>A whole query: its expression and its <c>with(...)</c> hints.</summary>
public sealed class RootExpr(QueryExpression expression, IReadOnlyList<Hint>? hints)
{
    public QueryExpression Expression { get; } = expression;
    public IReadOnlyList<Hint>? Hints { get; } = hints;

    /// <summary>The spanset pipeline of a search query (not a metrics query).</summary>
    public Pipeline? SearchPipeline => Expression.IsMetrics ? null : Expression.Pipeline;

    public Static? Hint(string name) => Hints?.LastOrDefault(h => h.Name == name)?.Value;

    public override string ToString() =>
        Expression + (Hints is null ? "" : " with(" + string.Join(",", Hints.Select(h => h.Name + "=" + h.Value)) + ")");
}
