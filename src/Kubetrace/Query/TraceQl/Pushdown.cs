using System.Globalization;
using Kubetrace.Storage;
using StorageScope = Kubetrace.Storage.AttributeScope;

namespace Kubetrace.Query.TraceQl;

/// <summary>
/// The storage conditions implied by a query: comparisons that every matching trace must satisfy on one span,
/// taken from the first spanset filter that the pipeline requires. Storage compares text (or numbers when both
/// sides are numbers), so it may return traces TraceQL's strict typing rejects — never fewer; the engine decides.
/// An unscoped attribute (<c>.x</c>) is pushed down as "span or resource attribute" (storage's <c>Any</c>), which is
/// where Tempo's fetch layer looks for it (vparquet4 <c>categorizeConditions</c> puts a scope-less condition on the
/// span and resource columns only): without it, the most common Grafana query, <c>{ .key = "value" }</c>, scanned
/// every span in range.
/// </summary>
public static class Pushdown
{
    public static List<Condition> Conditions(Pipeline pipeline)
    {
        var conditions = new List<Condition>();
        if (pipeline.Elements.Count > 0 && Required(pipeline.Elements[0]) is { } filter) Collect(filter.Expression, conditions);
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

    /// <summary>A filter that a span of every trace the element returns must pass.</summary>
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
