namespace Kubetrace.Query.TraceQl;

/// <summary>
/// The query as an operator tree before the parser decides which of TraceQL's forms each part is (see
/// <see cref="Classify"/>). Every node keeps its first token for error positions.
/// </summary>
internal abstract record Node(Token At)
{
    public sealed record Filter(Token At, SpansetFilter Value) : Node(At);

    public sealed record Paren(Token At, Node Inner) : Node(At);

    public sealed record Binary(Token Operator, Node Lhs, Node Rhs) : Node(Lhs.At);

    /// <summary><c>by()</c>, <c>coalesce()</c>, <c>select()</c>.</summary>
    public sealed record Element(Token At, TraceQl.Element Value) : Node(At);

    public sealed record Aggregate(Token At, TraceQl.Aggregate Value) : Node(At);

    public sealed record Metrics(Token At, MetricsAggregate Value) : Node(At);

    public sealed record Stage(Token At, TopKBottomK Value) : Node(At);

    public sealed record Number(Token At, Static Value) : Node(At);

    public sealed record Negate(Token At, Node Operand) : Node(At);

    /// <summary>The parts of <c>a | b | c</c>, left to right (a node without pipes is one part).</summary>
    public static List<Node> Segments(Node node)
    {
        var segments = new List<Node>();
        while (node is Binary { Operator.Kind: TokenKind.Pipe } pipe)
        {
            segments.Add(pipe.Rhs);
            node = pipe.Lhs;
        }
        segments.Add(node);
        segments.Reverse();
        return segments;
    }
}
