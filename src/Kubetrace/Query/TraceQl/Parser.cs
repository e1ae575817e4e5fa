namespace Kubetrace.Query.TraceQl;

/// <summary>
/// TraceQL's parser, written from Tempo's grammar (grafana/tempo pkg/traceql/expr.y). It reads the query as one
/// expression with Tempo's operator precedence (<c>|</c> loosest, then <c>&amp;&amp; ||</c>, comparisons and
/// structural operators, <c>+ -</c>, <c>* / %</c>, <c>^</c>), then checks which of the grammar's forms each part is:
/// a spanset pipeline, a scalar filter, a metrics query, metrics arithmetic. What fits none is a syntax error at the
/// operator or token where it stops fitting. Semantic checks are <see cref="Validator"/>'s.
/// </summary>
public sealed partial class Parser
{
    /// <summary>Deepest nesting of parentheses and operators accepted (bounds the parser's stack and time).</summary>
    public const int MaxDepth = 128;

    /// <summary>Longest query text accepted.</summary>
    public const int MaxLength = 64 * 1024;

    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;

    private Parser(List<Token> tokens) => _tokens = tokens;

    /// <summary>Parses without validating; throws <see cref="TraceQlException"/> (Parse) on a syntax error.</summary>
    public static RootExpr ParseOnly(string text)
    {
        if (text.Length > MaxLength)
            throw new TraceQlException(TraceQlErrorKind.Parse, $"query longer than {MaxLength} characters");
        var parser = new Parser(Lexer.Tokenize(text));
        return parser.ParseRoot();
    }

    /// <summary>Parses, rewrites (OR of equalities → IN, as Tempo) and validates: the query as Tempo would run it.</summary>
    public static RootExpr Parse(string text)
    {
        var root = Rewriter.Rewrite(ParseOnly(text));
        Validator.Validate(root);
        return root;
    }

    private Token Current => _tokens[_index];

    private Token Take() => _tokens[_index++];

    private Token Expect(TokenKind kind)
    {
        if (Current.Kind != kind)
            throw TraceQlException.Syntax($"syntax error: unexpected {Current.Display}, expecting {Describe(kind)}", Current);
        return Take();
    }

    private static string Describe(TokenKind kind) => kind switch
    {
        TokenKind.Identifier or TokenKind.Integer or TokenKind.EndAttribute => TokenNames.Grammar(kind),
        _ => TokenNames.Spelling(kind) ?? TokenNames.Grammar(kind),
    };

    private TraceQlException Unexpected() => Unexpected(Current);

    private DepthScope Deeper()
    {
        if (++_depth > MaxDepth)
            throw TraceQlException.Syntax($"syntax error: query nested deeper than {MaxDepth} levels", Current);
        return new DepthScope(this);
    }

    private readonly struct DepthScope(Parser parser) : IDisposable
    {
        public void Dispose() => parser._depth--;
    }

    private static TraceQlException Unexpected(Token token) => TraceQlException.Syntax("syntax error: unexpected " + token.Display, token);

    private RootExpr ParseRoot()
    {
        if (Current.Kind == TokenKind.End) throw Unexpected();
        var node = ParseNode(0);
        List<Hint>? hints = null;
        while (Current.Kind == TokenKind.With) hints = ParseHints();
        if (Current.Kind != TokenKind.End) throw Unexpected();
        var expression = Classify.Root(node);
        return new RootExpr(expression, hints);
    }

    private List<Hint> ParseHints()
    {
        Take();
        Expect(TokenKind.OpenParens);
        var hints = new List<Hint>();
        do
        {
            var name = Expect(TokenKind.Identifier);
            Expect(TokenKind.Eq);
            if (!TryStatic(out var value)) throw Unexpected();
            hints.Add(new Hint(name.Text, value));
        } while (Current.Kind == TokenKind.Comma && Take().Kind == TokenKind.Comma);
        Expect(TokenKind.CloseParens);
        return hints;
    }

    // ---------- the expression, before deciding what each part is ----------

    private static int BindingPower(TokenKind kind) => kind switch
    {
        TokenKind.Pipe => 1,
        TokenKind.And or TokenKind.Or => 2,
        TokenKind.Eq or TokenKind.Neq or TokenKind.Lt or TokenKind.Lte or TokenKind.Gt or TokenKind.Gte or TokenKind.Nre or TokenKind.Re
            or TokenKind.Desc or TokenKind.Ance or TokenKind.Sibl or TokenKind.NotChild or TokenKind.NotParent or TokenKind.NotDesc
            or TokenKind.NotAnce or TokenKind.UnionChild or TokenKind.UnionParent or TokenKind.UnionDesc or TokenKind.UnionAnce
            or TokenKind.UnionSibl => 3,
        TokenKind.Add or TokenKind.Sub => 4,
        TokenKind.Mul or TokenKind.Div or TokenKind.Mod => 6,
        TokenKind.Pow => 7,
        _ => 0,
    };

    private Node ParseNode(int minBindingPower)
    {
        using var depth = Deeper();
        var lhs = ParsePrimary();
        while (true)
        {
            var op = Current;
            var bp = BindingPower(op.Kind);
            if (bp == 0 || bp <= minBindingPower) return lhs;
            Take();
            if (Current.Kind == TokenKind.End) throw Unexpected();
            var rhs = ParseNode(op.Kind == TokenKind.Pow ? bp - 1 : bp);
            lhs = new Node.Binary(op, lhs, rhs);
        }
    }

    private Node ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.OpenBrace:
                return new Node.Filter(token, ParseSpansetFilter());
            case TokenKind.OpenParens:
                Take();
                var inner = ParseNode(0);
                Expect(TokenKind.CloseParens);
                return new Node.Paren(token, inner);
            case TokenKind.By:
                Take();
                Expect(TokenKind.OpenParens);
                var group = ParseField();
                Expect(TokenKind.CloseParens);
                return new Node.Element(token, new GroupOperation(group));
            case TokenKind.Coalesce:
                Take();
                Expect(TokenKind.OpenParens);
                Expect(TokenKind.CloseParens);
                return new Node.Element(token, new CoalesceOperation());
            case TokenKind.Select:
                Take();
                Expect(TokenKind.OpenParens);
                var attributes = ParseAttributeList();
                Expect(TokenKind.CloseParens);
                return new Node.Element(token, new SelectOperation(attributes));
            case TokenKind.Count:
                Take();
                Expect(TokenKind.OpenParens);
                Expect(TokenKind.CloseParens);
                return new Node.Aggregate(token, new Aggregate(AggregateOp.Count, null));
            case TokenKind.Avg or TokenKind.Max or TokenKind.Min or TokenKind.Sum:
                Take();
                Expect(TokenKind.OpenParens);
                var field = ParseField();
                Expect(TokenKind.CloseParens);
                var op = token.Kind switch
                {
                    TokenKind.Avg => AggregateOp.Avg, TokenKind.Max => AggregateOp.Max, TokenKind.Min => AggregateOp.Min, _ => AggregateOp.Sum,
                };
                return new Node.Aggregate(token, new Aggregate(op, field));
            case TokenKind.TopK or TokenKind.BottomK:
                Take();
                Expect(TokenKind.OpenParens);
                var limit = Expect(TokenKind.Integer);
                Expect(TokenKind.CloseParens);
                return new Node.Stage(token, new TopKBottomK(token.Kind == TokenKind.BottomK, limit.IntValue));
            case TokenKind.Integer or TokenKind.Float or TokenKind.Duration:
                TryStatic(out var number);
                return new Node.Number(token, number);
            case TokenKind.Sub:
                Take();
                return new Node.Negate(token, ParsePrimary());
        }
        if (ParseMetricsAggregate() is { } metrics) return new Node.Metrics(token, metrics);
        throw Unexpected();
    }

    private SpansetFilter ParseSpansetFilter()
    {
        Expect(TokenKind.OpenBrace);
        if (Current.Kind == TokenKind.CloseBrace)
        {
            Take();
            return new SpansetFilter(new Literal(Static.True));
        }
        var expression = ParseField();
        Expect(TokenKind.CloseBrace);
        return new SpansetFilter(expression);
    }

    private List<AttributeRef> ParseAttributeList()
    {
        var list = new List<AttributeRef>();
        do list.Add(ParseAttribute() ?? throw Unexpected());
        while (Current.Kind == TokenKind.Comma && Take().Kind == TokenKind.Comma);
        return list;
    }

    private MetricsAggregate? ParseMetricsAggregate()
    {
        var token = Current;
        var op = token.Kind switch
        {
            TokenKind.Rate => MetricsOp.Rate, TokenKind.CountOverTime => MetricsOp.CountOverTime,
            TokenKind.MinOverTime => MetricsOp.MinOverTime, TokenKind.MaxOverTime => MetricsOp.MaxOverTime,
            TokenKind.AvgOverTime => MetricsOp.AvgOverTime, TokenKind.SumOverTime => MetricsOp.SumOverTime,
            TokenKind.QuantileOverTime => MetricsOp.QuantileOverTime, TokenKind.HistogramOverTime => MetricsOp.HistogramOverTime,
            TokenKind.Compare => MetricsOp.Compare,
            _ => (MetricsOp?)null,
        };
        if (op is not { } metricsOp) return null;
        Take();
        Expect(TokenKind.OpenParens);
        if (metricsOp == MetricsOp.Compare)
        {
            var filter = ParseSpansetFilter();
            long topN = 10, start = 0, end = 0;
            if (Current.Kind == TokenKind.Comma)
            {
                Take();
                topN = Expect(TokenKind.Integer).IntValue;
                if (Current.Kind == TokenKind.Comma)
                {
                    Take();
                    start = Expect(TokenKind.Integer).IntValue;
                    Expect(TokenKind.Comma);
                    end = Expect(TokenKind.Integer).IntValue;
                }
            }
            Expect(TokenKind.CloseParens);
            return new MetricsAggregate(metricsOp, null, [], [])
            {
                CompareFilter = filter, CompareTopN = (int)Math.Clamp(topN, int.MinValue, int.MaxValue), CompareStart = start, CompareEnd = end,
            };
        }
        AttributeRef? attribute = null;
        var quantiles = new List<double>();
        if (metricsOp is not (MetricsOp.Rate or MetricsOp.CountOverTime))
        {
            attribute = ParseAttribute() ?? throw Unexpected();
            if (metricsOp == MetricsOp.QuantileOverTime)
            {
                Expect(TokenKind.Comma);
                do
                {
                    var q = Current;
                    if (q.Kind == TokenKind.Integer) quantiles.Add(q.IntValue);
                    else if (q.Kind == TokenKind.Float) quantiles.Add(q.FloatValue);
                    else throw Unexpected();
                    Take();
                } while (Current.Kind == TokenKind.Comma && Take().Kind == TokenKind.Comma);
            }
        }
        Expect(TokenKind.CloseParens);
        var by = new List<AttributeRef>();
        if (Current.Kind == TokenKind.By)
        {
            Take();
            Expect(TokenKind.OpenParens);
            by = ParseAttributeList();
            Expect(TokenKind.CloseParens);
        }
        return new MetricsAggregate(metricsOp, attribute, quantiles, by);
    }
}
