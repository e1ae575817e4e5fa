namespace Kubetrace.Query.TraceQl;

/// <summary>Every attribute and intrinsic a query part reads: filters, aggregates, by(), select().</summary>
public static class AttributeRefs
{
    public static IEnumerable<AttributeRef> In(Element element) => element switch
    {
        Pipeline p => p.Elements.SelectMany(In),
        SpansetFilter f => In(f.Expression),
        SpansetOperation o => In(o.Lhs).Concat(In(o.Rhs)),
        ScalarFilter f => In(f.Lhs).Concat(In(f.Rhs)),
        ScalarOperation o => In(o.Lhs).Concat(In(o.Rhs)),
        Aggregate { Expression: { } e } => In(e),
        GroupOperation g => In(g.Expression),
        SelectOperation s => s.Attributes,
        _ => [],
    };

    public static IEnumerable<AttributeRef> In(FieldExpr expression) => expression switch
    {
        AttributeRef a => [a],
        BinaryExpr b => In(b.Lhs).Concat(In(b.Rhs)),
        UnaryExpr u => In(u.Operand),
        _ => [],
    };
}
