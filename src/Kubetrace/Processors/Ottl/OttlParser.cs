namespace Kubetrace.Processors.Ottl;

/// <summary>
/// Parses the supported subset of OTTL: editor statements <c>fn(args) [where condition]</c> and conditions with
/// <c>== != &lt; &lt;= &gt; &gt;=</c>, <c>and</c>, <c>or</c>, <c>not</c>, parentheses, literals, enums and the
/// converters <c>IsMatch</c> and <c>SHA256</c>. Anything else is an <see cref="OttlException"/> naming it.
/// </summary>
internal sealed class OttlParser
{
    public static readonly string[] Editors = ["set", "delete_key", "replace_pattern", "replace_all_patterns", "truncate_all", "limit"];
    public static readonly string[] Converters = ["IsMatch", "SHA256"];

    private readonly string _text;
    private readonly OttlContext _context;
    private readonly List<Token> _tokens;
    private int _next;

    private OttlParser(string text, OttlContext context)
    {
        _text = text;
        _context = context;
        _tokens = OttlLexer.Tokenize(text);
    }

    public static Statement ParseStatement(string text, OttlContext context)
    {
        var parser = new OttlParser(text, context);
        var start = parser.Peek;
        if (parser.ParseValue() is not CallExpr { } call || !Editors.Contains(call.Function))
            throw new OttlException($"\"{start.Text}\" is not a supported editor in statement \"{text}\" (supported: {string.Join(", ", Editors)})");
        Expr? condition = null;
        if (parser.Peek is { Kind: TokenKind.Identifier, Text: "where" })
        {
            parser._next++;
            condition = parser.ParseOr();
        }
        parser.ExpectEnd();
        return new Statement(text, call, condition);
    }

    public static Expr ParseCondition(string text, OttlContext context)
    {
        var parser = new OttlParser(text, context);
        var condition = parser.ParseOr();
        parser.ExpectEnd();
        return condition;
    }

    private Token Peek => _tokens[_next];

    private void ExpectEnd()
    {
        if (Peek.Kind != TokenKind.End) throw Unexpected();
    }

    private OttlException Unexpected() =>
        new(Peek.Kind == TokenKind.End ? $"unexpected end of statement \"{_text}\"" : $"unexpected \"{Peek.Text}\" at offset {Peek.Position} in statement \"{_text}\"");

    private void Expect(string punctuation)
    {
        if (Peek.Text != punctuation || Peek.Kind is TokenKind.String) throw Unexpected();
        _next++;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Peek is { Kind: TokenKind.Identifier, Text: "or" })
        {
            _next++;
            left = new OrExpr(left, ParseAnd());
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Peek is { Kind: TokenKind.Identifier, Text: "and" })
        {
            _next++;
            left = new AndExpr(left, ParseNot());
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (Peek is { Kind: TokenKind.Identifier, Text: "not" })
        {
            _next++;
            return new NotExpr(ParseNot());
        }
        if (Peek is { Kind: TokenKind.Punctuation, Text: "(" })
        {
            _next++;
            var inner = ParseOr();
            Expect(")");
            return inner;
        }
        var left = ParseValue();
        if (Peek.Kind != TokenKind.Operator) return left;
        var op = Peek.Text;
        _next++;
        return new CompareExpr(left, op, ParseValue());
    }

    private Expr ParseValue()
    {
        var token = Peek;
        switch (token.Kind)
        {
            case TokenKind.String or TokenKind.Integer or TokenKind.Float:
                _next++;
                return new LiteralExpr(token.Value);
            case TokenKind.Identifier:
                _next++;
                if (token.Text is "true" or "false") return new LiteralExpr(token.Text == "true");
                if (token.Text == "nil") return new LiteralExpr(null);
                if (OttlEnums.TryGet(token.Text, out var enumValue)) return new LiteralExpr(enumValue);
                if (Peek is { Kind: TokenKind.Punctuation, Text: "(" }) return ParseCall(token);
                return ParsePath(token);
            default:
                throw Unexpected();
        }
    }

    private CallExpr ParseCall(Token name)
    {
        if (!Editors.Contains(name.Text) && !Converters.Contains(name.Text))
            throw new OttlException($"unsupported function \"{name.Text}\" in statement \"{_text}\" (supported: {string.Join(", ", Editors.Concat(Converters))})");
        Expect("(");
        var arguments = new List<Expr>();
        while (Peek.Text != ")" || Peek.Kind == TokenKind.String)
        {
            if (Peek.Kind == TokenKind.Punctuation && Peek.Text == "[")
            {
                arguments.Add(ParseList());
            }
            else arguments.Add(ParseOr());
            if (Peek is { Kind: TokenKind.Punctuation, Text: "," }) _next++;
            else if (Peek.Text != ")") throw Unexpected();
        }
        Expect(")");
        return new CallExpr(name.Text, arguments);
    }

    /// <summary>A list literal of strings (limit's priority keys).</summary>
    private LiteralExpr ParseList()
    {
        Expect("[");
        var items = new List<string>();
        while (Peek.Kind == TokenKind.String)
        {
            items.Add((string)Peek.Value!);
            _next++;
            if (Peek is { Kind: TokenKind.Punctuation, Text: "," }) _next++;
        }
        Expect("]");
        return new LiteralExpr(items);
    }

    private PathExpr ParsePath(Token first)
    {
        var segments = new List<string> { first.Text };
        while (Peek is { Kind: TokenKind.Punctuation, Text: "." })
        {
            _next++;
            if (Peek.Kind != TokenKind.Identifier) throw Unexpected();
            segments.Add(Peek.Text);
            _next++;
        }
        string? key = null;
        if (Peek is { Kind: TokenKind.Punctuation, Text: "[" })
        {
            _next++;
            if (Peek.Kind != TokenKind.String) throw new OttlException($"only [\"key\"] string indexes are supported, at offset {Peek.Position} in statement \"{_text}\"");
            key = (string)Peek.Value!;
            _next++;
            Expect("]");
            if (Peek is { Kind: TokenKind.Punctuation, Text: "[" })
                throw new OttlException($"nested indexes are not supported, at offset {Peek.Position} in statement \"{_text}\"");
        }
        return new PathExpr(OttlPath.Resolve(_context, segments, key, _text));
    }
}

/// <summary>The enums a condition may name: span kinds and status codes, as their OTLP numbers.</summary>
internal static class OttlEnums
{
    private static readonly Dictionary<string, long> Values = new(StringComparer.Ordinal)
    {
        ["SPAN_KIND_UNSPECIFIED"] = 0, ["SPAN_KIND_INTERNAL"] = 1, ["SPAN_KIND_SERVER"] = 2, ["SPAN_KIND_CLIENT"] = 3,
        ["SPAN_KIND_PRODUCER"] = 4, ["SPAN_KIND_CONSUMER"] = 5,
        ["STATUS_CODE_UNSET"] = 0, ["STATUS_CODE_OK"] = 1, ["STATUS_CODE_ERROR"] = 2,
    };

    public static bool TryGet(string name, out long value) => Values.TryGetValue(name, out value);
}
