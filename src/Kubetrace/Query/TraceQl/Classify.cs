namespace Kubetrace.Query.TraceQl;

/// <summary>
/// Decides which form of Tempo's grammar each part of a parsed <see cref="Node"/> tree is, and builds the AST.
/// The forms (expr.y): a spanset pipeline (<c>{..} | by(..) | count() &gt; 1</c>); operations between parenthesised
/// pipelines (<c>({..}|{..}) &gt;&gt; ({..}|{..})</c>); a comparison of parenthesised scalar pipelines
/// (<c>({..} | count()) &gt; 2</c>); a metrics query (<c>{..} | rate() by (x) | topk(5) &gt; 1</c>); arithmetic
/// between parenthesised metrics queries and numbers.
/// </summary>
internal static class Classify
{
    public static QueryExpression Root(Node node)
    {
        var segments = Node.Segments(node);
        var metricsAt = segments.FindIndex(IsMetricsHead);
        if (metricsAt >= 0)
        {
            if (metricsAt == 0) throw Unexpected(segments[0].At);
            return MetricsQuery(segments, metricsAt);
        }
        if (FilteredMetricsExpression(segments[0]) is { } math)
        {
            foreach (var stage in segments.Skip(1)) AddStages(math, stage, headPart: false);
            return math;
        }
        if (segments.Count == 1)
        {
            if (TrySpansetPipelineExpression(node) is { } spe)
                return new QueryExpression { Pipeline = spe as Pipeline ?? new Pipeline([spe]) };
            if (TryScalarPipelineFilter(node) is { } scalarFilter)
                return new QueryExpression { Pipeline = new Pipeline([scalarFilter]) };
        }
        return new QueryExpression { Pipeline = SpansetPipeline(segments) };
    }

    // ---------- metrics ----------

    /// <summary>A part that starts with a metrics function: <c>rate()</c>, <c>rate() &gt; 10</c>.</summary>
    private static bool IsMetricsHead(Node node) => node switch
    {
        Node.Metrics => true,
        Node.Binary b when IsComparison(b.Operator.Kind) => IsMetricsHead(b.Lhs),
        _ => false,
    };

    private static QueryExpression MetricsQuery(List<Node> segments, int metricsAt)
    {
        var pipeline = SpansetPipeline(segments.Take(metricsAt).ToList());
        var head = segments[metricsAt];
        var expression = new QueryExpression { Pipeline = pipeline, Metrics = MetricsHead(head) };
        AddStages(expression, head, headPart: true);
        foreach (var stage in segments.Skip(metricsAt + 1)) AddStages(expression, stage, headPart: false);
        return expression;
    }

    private static MetricsAggregate MetricsHead(Node node) => node switch
    {
        Node.Metrics m => m.Value,
        Node.Binary b => MetricsHead(b.Lhs),
        _ => throw Unexpected(node.At),
    };

    /// <summary>
    /// Second stages of one part: <c>topk(5) &gt; 10</c>, or for the part holding the metrics function or
    /// expression (<paramref name="headPart"/>, its leftmost operand, already read) the comparisons after it.
    /// </summary>
    private static void AddStages(QueryExpression expression, Node node, bool headPart)
    {
        switch (node)
        {
            case Node.Binary b when IsComparison(b.Operator.Kind):
                AddStages(expression, b.Lhs, headPart);
                var value = Scalar(b.Rhs) ?? throw Unexpected(b.Rhs.At);
                var number = value.Type == StaticType.Duration ? value.AsFloat / 1e9 : value.AsFloat;
                expression.Stages.Add(new MetricsFilter(ComparisonOp(b.Operator.Kind), number));
                return;
            case not null when headPart:
                return;
            case Node.Stage s:
                expression.Stages.Add(s.Value);
                return;
            default:
                throw Unexpected(node is Node.Binary bin ? bin.Operator : node!.At);
        }
    }

    /// <summary>A metrics expression followed by comparisons: <c>(A | rate()) &gt; 10</c>.</summary>
    private static QueryExpression? FilteredMetricsExpression(Node node)
    {
        var head = node;
        while (head is Node.Binary b && IsComparison(b.Operator.Kind)) head = b.Lhs;
        if (TryMetricsExpression(head) is not { } expression) return null;
        AddStages(expression, node, headPart: true);
        return expression;
    }

    /// <summary>Metrics arithmetic: <c>(A | rate()) / (B | rate())</c>, <c>100 * (A | rate())</c>.</summary>
    private static QueryExpression? TryMetricsExpression(Node node)
    {
        switch (node)
        {
            case Node.Paren p:
                var segments = Node.Segments(p.Inner);
                var metricsAt = segments.FindIndex(IsMetricsHead);
                if (metricsAt > 0) return MetricsQuery(segments, metricsAt);
                if (FilteredMetricsExpression(segments[0]) is { } inner)
                {
                    foreach (var stage in segments.Skip(1)) AddStages(inner, stage, headPart: false);
                    return inner;
                }
                return null;
            case Node.Binary b when b.Operator.Kind is TokenKind.Add or TokenKind.Sub or TokenKind.Mul or TokenKind.Div:
                var op = ArithmeticOp(b.Operator.Kind);
                var lhs = TryMetricsExpression(b.Lhs);
                var rhs = TryMetricsExpression(b.Rhs);
                if (lhs is not null && rhs is not null) return new QueryExpression { Op = op, Lhs = lhs, Rhs = rhs };
                if (lhs is not null && Scalar(b.Rhs) is { } right)
                {
                    lhs.Stages.Add(new MetricsScalarOp(op, MetricsScalar(right, b.Rhs.At), false));
                    return lhs;
                }
                if (rhs is not null && Scalar(b.Lhs) is { } left)
                {
                    rhs.Stages.Add(new MetricsScalarOp(op, MetricsScalar(left, b.Lhs.At), true));
                    return rhs;
                }
                return null;
            default:
                return null;
        }
    }

    private static double MetricsScalar(Static value, Token at) => value.Type == StaticType.Duration
        ? throw TraceQlException.Syntax("duration cannot be used as a scalar operand in metric arithmetic", at)
        : value.AsFloat;

    // ---------- spanset pipelines ----------

    private static Pipeline SpansetPipeline(List<Node> segments)
    {
        var elements = new List<Element>(segments.Count);
        for (var i = 0; i < segments.Count; i++) elements.Add(PipelineElement(segments[i], first: i == 0));
        return new Pipeline(elements);
    }

    private static Element PipelineElement(Node node, bool first)
    {
        if (TrySpansetExpression(node) is { } spanset) return spanset;
        if (TryScalarFilter(node) is { } filter) return filter;
        if (node is Node.Element e && (e.Value is not CoalesceOperation || !first)) return e.Value;
        throw ErrorIn(node);
    }

    /// <summary>Filters and operations between them (<c>{a} &gt;&gt; ({b} &amp;&amp; {c})</c>), no pipelines inside.</summary>
    private static Element? TrySpansetExpression(Node node) => node switch
    {
        Node.Filter f => f.Value,
        Node.Paren p => TrySpansetExpression(p.Inner),
        Node.Binary b when SpansetOp(b.Operator.Kind) is { } op &&
                           TrySpansetExpression(b.Lhs) is { } lhs && TrySpansetExpression(b.Rhs) is { } rhs =>
            new SpansetOperation(op, lhs, rhs),
        _ => null,
    };

    /// <summary>Operations between parenthesised pipelines: <c>({a} | {b}) &gt; ({c} | {d})</c>.</summary>
    private static Element? TrySpansetPipelineExpression(Node node)
    {
        switch (node)
        {
            case Node.Paren p:
                if (TrySpansetExpression(p.Inner) is { } simple) return simple;
                if (TrySpansetPipelineExpression(p.Inner) is { } nested) return nested;
                var segments = Node.Segments(p.Inner);
                try
                {
                    return SpansetPipeline(segments);
                }
                catch (TraceQlException)
                {
                    return null;
                }
            case Node.Binary b when SpansetOp(b.Operator.Kind) is { } op:
                if (TrySpansetExpression(node) is { } plain) return plain;
                var lhs = TrySpansetPipelineExpression(b.Lhs);
                var rhs = lhs is null ? null : TrySpansetPipelineExpression(b.Rhs);
                return lhs is not null && rhs is not null && b.Lhs is not Node.Filter && b.Rhs is not Node.Filter
                    ? new SpansetOperation(op, lhs, rhs)
                    : null;
            default:
                return null;
        }
    }

    // ---------- scalars ----------

    /// <summary><c>count() &gt; 1</c>, <c>avg(duration) + 1s &lt; max(duration)</c>: at least one side has an aggregate.</summary>
    private static ScalarFilter? TryScalarFilter(Node node)
    {
        if (node is not Node.Binary b || !IsComparison(b.Operator.Kind)) return null;
        var lhs = TryScalarExpression(b.Lhs);
        var rhs = TryScalarExpression(b.Rhs);
        if (lhs is null && rhs is null) return null;
        Element? left = lhs ?? (Scalar(b.Lhs) is { } l ? new ScalarLiteral(l) : null);
        Element? right = rhs ?? (Scalar(b.Rhs) is { } r ? new ScalarLiteral(r) : null);
        return left is null || right is null ? null : new ScalarFilter(ComparisonOp(b.Operator.Kind), left, right);
    }

    /// <summary>An expression with an aggregate in it: <c>count()</c>, <c>(avg(.a) + 2) * sum(.b)</c>.</summary>
    private static Element? TryScalarExpression(Node node)
    {
        switch (node)
        {
            case Node.Aggregate a:
                return a.Value;
            case Node.Paren p:
                return TryScalarExpression(p.Inner);
            case Node.Binary b when ScalarArithmeticOp(b.Operator.Kind) is { } op:
                var lhs = TryScalarExpression(b.Lhs);
                var rhs = TryScalarExpression(b.Rhs);
                if (lhs is null && rhs is null) return null;
                Element? left = lhs ?? (Scalar(b.Lhs) is { } l ? new ScalarLiteral(l) : null);
                Element? right = rhs ?? (Scalar(b.Rhs) is { } r ? new ScalarLiteral(r) : null);
                return left is null || right is null ? null : new ScalarOperation(op, left, right);
            default:
                return null;
        }
    }

    /// <summary><c>({..} | count()) &gt; ({..} | count())</c> or <c>&gt; 2</c>.</summary>
    private static ScalarFilter? TryScalarPipelineFilter(Node node)
    {
        if (node is not Node.Binary b || !IsComparison(b.Operator.Kind)) return null;
        var lhs = TryScalarPipelineExpression(b.Lhs);
        if (lhs is null) return null;
        Element? rhs = TryScalarPipelineExpression(b.Rhs);
        // A plain number only: Tempo's grammar does not take arithmetic here (`> 2 * 2` is a syntax error).
        if (rhs is null && b.Rhs is Node.Number or Node.Negate && Scalar(b.Rhs) is { } value) rhs = new ScalarLiteral(value);
        return rhs is null ? null : new ScalarFilter(ComparisonOp(b.Operator.Kind), lhs, rhs);
    }

    private static Element? TryScalarPipelineExpression(Node node)
    {
        switch (node)
        {
            case Node.Paren p:
                var segments = Node.Segments(p.Inner);
                if (segments.Count > 1 && segments[^1] is Node.Aggregate aggregate)
                {
                    try
                    {
                        var pipeline = SpansetPipeline(segments.Take(segments.Count - 1).ToList());
                        return new Pipeline([.. pipeline.Elements, aggregate.Value]);
                    }
                    catch (TraceQlException)
                    {
                        return null;
                    }
                }
                return segments.Count == 1 ? TryScalarPipelineExpression(p.Inner) : null;
            case Node.Binary b when ScalarArithmeticOp(b.Operator.Kind) is { } op:
                var lhs = TryScalarPipelineExpression(b.Lhs);
                var rhs = lhs is null ? null : TryScalarPipelineExpression(b.Rhs);
                return rhs is null ? null : new ScalarOperation(op, lhs!, rhs);
            default:
                return null;
        }
    }

    /// <summary>A constant number, folded at parse time as Tempo does (<c>2 * 3</c> is 6; durations cannot be combined).</summary>
    private static Static? Scalar(Node node)
    {
        switch (node)
        {
            case Node.Number n:
                return n.Value;
            case Node.Paren p:
                return Scalar(p.Inner);
            case Node.Negate n when Scalar(n.Operand) is { } operand:
                return Evaluator.Unary(Op.Sub, operand);
            case Node.Binary b when b.Operator.Kind is TokenKind.Add or TokenKind.Sub or TokenKind.Mul or TokenKind.Div:
                if (Scalar(b.Lhs) is not { } lhs || Scalar(b.Rhs) is not { } rhs) return null;
                if (lhs.Type == StaticType.Duration || rhs.Type == StaticType.Duration)
                    throw TraceQlException.Syntax("duration cannot be used in scalar arithmetic", b.Operator);
                try
                {
                    return Evaluator.BinaryStatic(ArithmeticOp(b.Operator.Kind), lhs, rhs, null);
                }
                catch (TraceQlException e)
                {
                    throw TraceQlException.Syntax(e.Detail, b.Operator);
                }
            default:
                return null;
        }
    }

    // ---------- operators ----------

    private static bool IsComparison(TokenKind kind) =>
        kind is TokenKind.Eq or TokenKind.Neq or TokenKind.Lt or TokenKind.Lte or TokenKind.Gt or TokenKind.Gte;

    private static Op ComparisonOp(TokenKind kind) => kind switch
    {
        TokenKind.Eq => Op.Equal, TokenKind.Neq => Op.NotEqual, TokenKind.Lt => Op.Less, TokenKind.Lte => Op.LessEqual,
        TokenKind.Gt => Op.Greater, _ => Op.GreaterEqual,
    };

    private static Op ArithmeticOp(TokenKind kind) => kind switch
    {
        TokenKind.Add => Op.Add, TokenKind.Sub => Op.Sub, TokenKind.Mul => Op.Mult, _ => Op.Div,
    };

    private static Op? ScalarArithmeticOp(TokenKind kind) => kind switch
    {
        TokenKind.Add => Op.Add, TokenKind.Sub => Op.Sub, TokenKind.Mul => Op.Mult, TokenKind.Div => Op.Div,
        TokenKind.Mod => Op.Mod, TokenKind.Pow => Op.Power, _ => null,
    };

    private static Op? SpansetOp(TokenKind kind) => kind switch
    {
        TokenKind.And => Op.SpansetAnd, TokenKind.Or => Op.SpansetUnion, TokenKind.Gt => Op.SpansetChild,
        TokenKind.Lt => Op.SpansetParent, TokenKind.Desc => Op.SpansetDescendant, TokenKind.Ance => Op.SpansetAncestor,
        TokenKind.Sibl => Op.SpansetSibling, TokenKind.NotChild => Op.SpansetNotChild, TokenKind.NotParent => Op.SpansetNotParent,
        TokenKind.NotDesc => Op.SpansetNotDescendant, TokenKind.NotAnce => Op.SpansetNotAncestor, TokenKind.Nre => Op.SpansetNotSibling,
        TokenKind.UnionChild => Op.SpansetUnionChild, TokenKind.UnionParent => Op.SpansetUnionParent,
        TokenKind.UnionDesc => Op.SpansetUnionDescendant, TokenKind.UnionAnce => Op.SpansetUnionAncestor,
        TokenKind.UnionSibl => Op.SpansetUnionSibling, _ => null,
    };

    /// <summary>Where a part stops fitting: the right operand when the left one is a spanset, else the operator.</summary>
    private static TraceQlException ErrorIn(Node node)
    {
        if (node is Node.Binary b)
        {
            if (TrySpansetExpression(b.Lhs) is not null && TrySpansetExpression(b.Rhs) is null && b.Rhs is not Node.Binary && SpansetOp(b.Operator.Kind) is not null)
                return Unexpected(b.Rhs.At);
            return Unexpected(b.Operator);
        }
        return Unexpected(node.At);
    }

    private static TraceQlException Unexpected(Token token) => TraceQlException.Syntax("syntax error: unexpected " + token.Display, token);
}
