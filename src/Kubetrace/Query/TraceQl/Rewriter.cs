namespace Kubetrace.Query.TraceQl;

/// <summary>
/// Tempo's default AST rewrite (or_to_in): <c>.a = 1 || .a = 2</c> becomes <c>.a IN [1, 2]</c>, <c>!=</c> joined by
/// <c>&amp;&amp;</c> NOT IN, and regexes MATCH ANY / MATCH NONE. Same answers, one attribute read; and the canonical
/// form shows it. Skipped with <c>with(skip_ast_transformations="or_to_in")</c>.
/// </summary>
public static class Rewriter
{
    public static RootExpr Rewrite(RootExpr root)
    {
        if (root.Hint("skip_ast_transformations") is { Type: StaticType.String } skip &&
            skip.AsString.Split(',').Select(s => s.Trim()).Any(s => s is "or_to_in" or "all"))
            return root;
        return new RootExpr(Expression(root.Expression), root.Hints);
    }

    private static QueryExpression Expression(QueryExpression e)
    {
        var rewritten = e.Op == Op.None
            ? new QueryExpression { Pipeline = Pipeline(e.Pipeline!), Metrics = e.Metrics }
            : new QueryExpression { Op = e.Op, Lhs = Expression(e.Lhs!), Rhs = Expression(e.Rhs!) };
        rewritten.Stages.AddRange(e.Stages);
        return rewritten;
    }

    private static Pipeline Pipeline(Pipeline p) => new(p.Elements.Select(Element).ToList());

    private static Element Element(Element e) => e switch
    {
        SpansetFilter f => new SpansetFilter(Field(f.Expression)),
        SpansetOperation o => new SpansetOperation(o.Op, Element(o.Lhs), Element(o.Rhs)),
        ScalarFilter f => new ScalarFilter(f.Op, Element(f.Lhs), Element(f.Rhs)),
        ScalarOperation o => new ScalarOperation(o.Op, Element(o.Lhs), Element(o.Rhs)),
        Aggregate { Expression: { } fe } a => new Aggregate(a.Op, Field(fe)),
        GroupOperation g => new GroupOperation(Field(g.Expression)),
        Pipeline p => Pipeline(p),
        _ => e,
    };

    private static FieldExpr Field(FieldExpr e)
    {
        e = e switch
        {
            BinaryExpr b => Fold.Binary(b.Op, Field(b.Lhs), Field(b.Rhs)),
            UnaryExpr u => Fold.Unary(u.Op, Field(u.Operand)),
            _ => e,
        };
        e = ToArray(e, Op.Or, [Op.Equal, Op.In], Op.In, stringsOnly: false);
        e = ToArray(e, Op.And, [Op.NotEqual, Op.NotIn], Op.NotIn, stringsOnly: false);
        e = ToArray(e, Op.Or, [Op.Regex, Op.RegexMatchAny], Op.RegexMatchAny, stringsOnly: true);
        e = ToArray(e, Op.And, [Op.NotRegex, Op.RegexMatchNone], Op.RegexMatchNone, stringsOnly: true);
        return e;
    }

    private static FieldExpr ToArray(FieldExpr e, Op outer, Op[] inner, Op arrayOp, bool stringsOnly)
    {
        if (e is not BinaryExpr { Lhs: BinaryExpr lhs, Rhs: BinaryExpr rhs } b || b.Op != outer) return e;
        if (Operands(lhs, inner) is not var (attrL, valueL) || Operands(rhs, inner) is not var (attrR, valueR)) return e;
        if (!attrL.Equals(attrR)) return e;
        if (stringsOnly && (valueL.Type is not (StaticType.String or StaticType.StringArray) || valueR.Type is not (StaticType.String or StaticType.StringArray)))
            return e;
        if (!valueL.TryAppend(valueR, out var array)) return e;
        return Fold.Binary(arrayOp, attrL, new Literal(array));
    }

    /// <summary><c>attribute op value</c> (either order for the scalar operator) with op one of <paramref name="ops"/>.</summary>
    private static (AttributeRef, Static)? Operands(BinaryExpr b, Op[] ops)
    {
        if (!ops.Contains(b.Op)) return null;
        if (b.Lhs is AttributeRef a && b.Rhs is Literal l) return (a, l.Value);
        if (b.Rhs is AttributeRef a2 && b.Lhs is Literal l2) return (a2, l2.Value);
        return null;
    }
}
