namespace Kubetrace.Query.TraceQl;

/// <summary>
/// TraceQL tokens, named as Tempo's grammar names them (grafana/tempo pkg/traceql/expr.y) so lexer conformance
/// cases compare by name.
/// </summary>
public enum TokenKind
{
    End, Identifier, String, Integer, Float, Duration,
    Dot, OpenBrace, CloseBrace, OpenParens, CloseParens, Comma,
    Nil, True, False, StatusError, StatusOk, StatusUnset,
    KindUnspecified, KindInternal, KindServer, KindClient, KindProducer, KindConsumer,
    IDuration, ChildCount, Name, Status, StatusMessage, Parent, Kind, RootName, RootServiceName,
    RootService, TraceDuration, NestedSetLeft, NestedSetRight, NestedSetParent, Id,
    TraceId, SpanId, ParentId, TimeSinceStart, Version,
    ParentDot, ResourceDot, SpanDot, TraceColon, SpanColon,
    EventColon, EventDot, LinkColon, LinkDot, InstrumentationColon, InstrumentationDot,
    Count, Avg, Max, Min, Sum, By, Coalesce, Select, EndAttribute,
    Rate, CountOverTime, MinOverTime, MaxOverTime, AvgOverTime, SumOverTime, QuantileOverTime, HistogramOverTime, Compare,
    TopK, BottomK, With,
    Pipe, And, Or, Eq, Neq, Lt, Lte, Gt, Gte, Nre, Re, Desc, Ance, Sibl,
    NotChild, NotParent, NotDesc, NotAnce, UnionChild, UnionParent, UnionDesc, UnionAnce, UnionSibl,
    Add, Sub, Not, Mul, Div, Mod, Pow,
}

/// <summary>One token with its 1-based position (for error messages) and its value.</summary>
public readonly record struct Token(TokenKind Kind, string Text, int Line, int Column, int Offset)
{
    public long IntValue { get; init; }

    public double FloatValue { get; init; }

    /// <summary>The token's name in Tempo's grammar, e.g. <c>SPAN_DOT</c>.</summary>
    public string GrammarName => TokenNames.Grammar(Kind);

    /// <summary>How a syntax error names the token, as Tempo's parser does (<c>unexpected &amp;&amp;</c>).</summary>
    public string Display => Kind switch
    {
        TokenKind.End => "$end",
        TokenKind.Identifier or TokenKind.String or TokenKind.Integer or TokenKind.Float or TokenKind.Duration
            or TokenKind.EndAttribute => GrammarName,
        _ => TokenNames.Spelling(Kind) ?? GrammarName,
    };
}
