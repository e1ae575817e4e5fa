namespace Kubetrace.Query.TraceQl;

/// <summary>
/// Builds field expressions as Tempo's parser does: a valid operation that reads no span is computed at parse time
/// (<c>{ 1 + 1 = 2 }</c> is <c>{ true }</c>), and a trace id compared with a string loses its leading zeros.
/// </summary>
internal static class Fold
{
    public static FieldExpr Binary(Op op, FieldExpr lhs, FieldExpr rhs)
    {
        if (lhs is AttributeRef { Intrinsic: Intrinsic.TraceId } && rhs is Literal { Value.Type: StaticType.String } r)
            rhs = new Literal(Static.String(r.Value.AsString.TrimStart('0')));
        if (rhs is AttributeRef { Intrinsic: Intrinsic.TraceId } && lhs is Literal { Value.Type: StaticType.String } l)
            lhs = new Literal(Static.String(l.Value.AsString.TrimStart('0')));
        var node = new BinaryExpr(op, lhs, rhs);
        return node.ReferencesSpan || Validator.FieldError(node) is not null ? node : Constant(node) ?? node;
    }

    public static FieldExpr Unary(Op op, FieldExpr operand)
    {
        var node = new UnaryExpr(op, operand);
        return node.ReferencesSpan || Validator.FieldError(node) is not null ? node : Constant(node) ?? node;
    }

    private static FieldExpr? Constant(FieldExpr node)
    {
        try
        {
            return new Literal(Evaluator.Execute(node, default));
        }
        catch (TraceQlException)
        {
            return null; // e.g. division by zero: left for validation and evaluation to report
        }
    }
}
