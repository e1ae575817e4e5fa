using System.Globalization;
using Kubetrace.Storage;
using StorageIntrinsic = Kubetrace.Storage.Intrinsic;
using StorageScope = Kubetrace.Storage.AttributeScope;

namespace Kubetrace.Query.TraceQl;

/// <summary>
/// The storage conditions implied by a query: comparisons that every matching trace must satisfy on one span,
/// taken from the first spanset filter that the pipeline requires (the first side of a structural operator that
/// gives any, the right side of a negated one). A union (<c>A || B</c>) matches a trace through either side: it
/// asks for any one of one condition per side, each the one an index narrows best, so that a query such as an
/// analysis row's (several shapes of one request, joined by <c>||</c>) reads only the traces that can hold one
/// instead of every trace of the range. Storage compares text (or numbers when both
/// sides are numbers), so it may return traces TraceQL's strict typing rejects — never fewer; the engine decides.
/// An unscoped attribute (<c>.x</c>) is pushed down as "span or resource attribute" (storage's <c>Any</c>), which is
/// where Tempo's fetch layer looks for it (vparquet4 <c>categorizeConditions</c> puts a scope-less condition on the
/// span and resource columns only): without it, the most common Grafana query, <c>{ .key = "value" }</c>, scanned
/// every span in range.
/// </summary>
public static class Pushdown
{
    /// <summary>What to ask storage for: conditions on one span, all of them (<c>All</c>) or any one of them.</summary>
    public static (List<Condition> Conditions, bool All) Conditions(Pipeline pipeline) =>
        pipeline.Elements.Count > 0 && Pushed(pipeline.Elements[0]) is { } pushed ? pushed : ([], true);

    private static (List<Condition> Conditions, bool All)? Pushed(Element element) => element switch
    {
        SpansetFilter f => Collected(f.Expression) is { Count: > 0 } conditions ? (conditions, true) : null,
        Pipeline { Elements.Count: > 0 } p => Pushed(p.Elements[0]),
        SpansetOperation { Op: Op.SpansetUnion } o => EitherOf(Pushed(o.Lhs), Pushed(o.Rhs)),
        SpansetOperation { Op: Op.SpansetNotChild or Op.SpansetNotParent or Op.SpansetNotDescendant or Op.SpansetNotAncestor or Op.SpansetNotSibling } o =>
            Pushed(o.Rhs),
        SpansetOperation o => Pushed(o.Lhs) ?? Pushed(o.Rhs),
        _ => null,
    };

    /// <summary>A union's: any one of each side's narrowest condition (a side already "any one of" gives all of its own); none when a side has no condition an index narrows.</summary>
    private static (List<Condition> Conditions, bool All)? EitherOf((List<Condition> Conditions, bool All)? lhs, (List<Condition> Conditions, bool All)? rhs)
    {
        if (Alternatives(lhs) is not { } left || Alternatives(rhs) is not { } right) return null;
        return ([.. left.Concat(right).Distinct()], false);
    }

    private static IEnumerable<Condition>? Alternatives((List<Condition> Conditions, bool All)? side) => side switch
    {
        null => null,
        { All: false } any => any.Conditions,
        { } all => all.Conditions.Where(c => Narrowness(c) < Unnarrowed).OrderBy(Narrowness).Take(1) is var best && best.Any() ? best : null,
    };

    private const int Unnarrowed = int.MaxValue;

    /// <summary>
    /// How well the indexes storage keeps narrow a condition, best first: an attribute's exact value, a span name,
    /// a service, then the same as patterns, then errors and long durations (the trace table); a kind, a short
    /// duration or another status narrow nothing (every trace would be read for them).
    /// </summary>
    private static int Narrowness(Condition c) => (c.Intrinsic, c.Op) switch
    {
        (StorageIntrinsic.None, ConditionOp.Equal) => 0,
        (StorageIntrinsic.Name, ConditionOp.Equal) => 1,
        (StorageIntrinsic.Service, ConditionOp.Equal) => 2,
        (StorageIntrinsic.None, ConditionOp.Regex) => 3,
        (StorageIntrinsic.Name, ConditionOp.Regex) => 4,
        (StorageIntrinsic.Service, ConditionOp.Regex) => 5,
        (StorageIntrinsic.Status, ConditionOp.Equal) when c.Value == "error" => 6,
        (StorageIntrinsic.Duration, ConditionOp.Greater or ConditionOp.GreaterOrEqual) => 6,
        _ => Unnarrowed,
    };

    private static List<Condition> Collected(FieldExpr expression)
    {
        var conditions = new List<Condition>();
        Collect(expression, conditions);
        return conditions;
    }

    /// <summary>
    /// The event and link attribute keys the first required filter tests for a value or for existence: the matching
    /// span carries them (in an event or a link), so storage may skip data holding them nowhere
    /// (<see cref="FetchRequest.AnywhereKeys"/>). A test for absence (<c>= nil</c>) is not one of them.
    /// </summary>
    public static List<string> AnywhereKeys(Pipeline pipeline)
    {
        var keys = new List<string>();
        if (pipeline.Elements.Count > 0 && Required(pipeline.Elements[0]) is { } filter) CollectKeys(filter.Expression, keys);
        return keys;
    }

    private static void CollectKeys(FieldExpr e, List<string> keys)
    {
        switch (e)
        {
            case BinaryExpr { Op: Op.And } and:
                CollectKeys(and.Lhs, keys);
                CollectKeys(and.Rhs, keys);
                return;
            case UnaryExpr { Op: Op.Exists, Operand: AttributeRef a }:
                AddKey(a, keys);
                return;
            case BinaryExpr { Op: Op.Equal or Op.NotEqual or Op.Regex or Op.NotRegex or Op.Greater or Op.GreaterEqual or Op.Less or Op.LessEqual } b:
                if (b is { Lhs: AttributeRef l, Rhs: Literal { Value.Type: not StaticType.Nil } }) AddKey(l, keys);
                else if (b is { Rhs: AttributeRef r, Lhs: Literal { Value.Type: not StaticType.Nil } }) AddKey(r, keys);
                return;
        }
    }

    private static void AddKey(AttributeRef a, List<string> keys)
    {
        if (a is { Parent: false, Intrinsic: Intrinsic.None, Scope: AttributeScope.Event or AttributeScope.Link } && !keys.Contains(a.Name)) keys.Add(a.Name);
    }

    /// <summary>A filter that a span of every trace the element returns must pass (none through a union).</summary>
    private static SpansetFilter? Required(Element element) => element switch
    {
        SpansetFilter f => f,
        Pipeline { Elements.Count: > 0 } p => Required(p.Elements[0]),
        SpansetOperation { Op: Op.SpansetUnion } => null,
        SpansetOperation { Op: Op.SpansetNotChild or Op.SpansetNotParent or Op.SpansetNotDescendant or Op.SpansetNotAncestor or Op.SpansetNotSibling } o =>
            Required(o.Rhs),
        SpansetOperation o => Required(o.Lhs) ?? Required(o.Rhs),
        _ => null,
    };

    private static void Collect(FieldExpr e, List<Condition> conditions)
    {
        if (e is BinaryExpr { Op: Op.And } and)
        {
            Collect(and.Lhs, conditions);
            Collect(and.Rhs, conditions);
            return;
        }
        if (e is not BinaryExpr b) return;
        var (attribute, literal, op) = b switch
        {
            { Lhs: AttributeRef a, Rhs: Literal l } => (a, l.Value, b.Op),
            { Lhs: Literal l, Rhs: AttributeRef a } => (a, l.Value, b.Op.Flipped()),
            _ => ((AttributeRef?)null, Static.Nil, Op.None),
        };
        if (attribute is null || attribute.Parent) return;
        if (ToCondition(attribute, literal, op) is { } condition) conditions.Add(condition);
    }

    private static Condition? ToCondition(AttributeRef a, Static value, Op op)
    {
        var conditionOp = op switch
        {
            Op.Equal => ConditionOp.Equal, Op.Greater => ConditionOp.Greater, Op.GreaterEqual => ConditionOp.GreaterOrEqual,
            Op.Less => ConditionOp.Less, Op.LessEqual => ConditionOp.LessOrEqual, Op.Regex => ConditionOp.Regex,
            _ => (ConditionOp?)null,
        };
        if (conditionOp is not { } cop) return null;
        switch (a.Intrinsic)
        {
            case Intrinsic.Name when value.Type == StaticType.String && cop is ConditionOp.Equal or ConditionOp.Regex:
                return new Condition(StorageScope.Intrinsic, "name", cop, Text(value, cop));
            case Intrinsic.EventName when value.Type == StaticType.String && cop is ConditionOp.Equal or ConditionOp.Regex:
                return new Condition(StorageScope.Intrinsic, "event:name", cop, Text(value, cop));
            case Intrinsic.Status when value.Type == StaticType.Status && cop == ConditionOp.Equal:
                return new Condition(StorageScope.Intrinsic, "status", cop, value.ToString());
            case Intrinsic.Kind when value.Type == StaticType.Kind && cop == ConditionOp.Equal:
                return new Condition(StorageScope.Intrinsic, "kind", cop, value.ToString());
            case Intrinsic.Duration when value.Type == StaticType.Duration && cop != ConditionOp.Regex:
                return new Condition(StorageScope.Intrinsic, "duration", cop, value.AsInt.ToString(CultureInfo.InvariantCulture));
            case Intrinsic.None:
                break;
            default:
                return null;
        }
        if (a.Scope is not (AttributeScope.Span or AttributeScope.Resource or AttributeScope.None)) return null;
        if (value.Type is not (StaticType.String or StaticType.Int)) return null;
        if (cop == ConditionOp.Regex && value.Type != StaticType.String) return null;
        if (value.Type == StaticType.String && cop is not (ConditionOp.Equal or ConditionOp.Regex)) return null;
        if (a.Scope == AttributeScope.Resource && a.Name == "service.name" && cop == ConditionOp.Equal)
            return new Condition(StorageScope.Intrinsic, "service", cop, value.AsString);
        var scope = a.Scope switch { AttributeScope.Span => StorageScope.Span, AttributeScope.Resource => StorageScope.Resource, _ => StorageScope.Any };
        return new Condition(scope, a.Name, cop, Text(value, cop));
    }

    /// <summary>The operand as storage reads it; a regex keeps TraceQL's "dot matches newline".</summary>
    private static string Text(Static value, ConditionOp op) => op == ConditionOp.Regex
        ? "(?s:" + value.AsString + ")"
        : value.Type == StaticType.String ? value.AsString : value.AsInt.ToString(CultureInfo.InvariantCulture);
}
