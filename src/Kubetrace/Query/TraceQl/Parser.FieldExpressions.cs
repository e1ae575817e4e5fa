namespace Kubetrace.Query.TraceQl;

/// <summary>Field expressions: what is inside <c>{ }</c>, <c>by()</c> and aggregates (precedence as in Tempo's expr.y).</summary>
public sealed partial class Parser
{
    private static int FieldBindingPower(TokenKind kind) => kind switch
    {
        TokenKind.And or TokenKind.Or => 2,
        TokenKind.Eq or TokenKind.Neq or TokenKind.Lt or TokenKind.Lte or TokenKind.Gt or TokenKind.Gte or TokenKind.Re or TokenKind.Nre => 3,
        TokenKind.Add or TokenKind.Sub => 4,
        TokenKind.Mul or TokenKind.Div or TokenKind.Mod => 6,
        TokenKind.Pow => 7,
        _ => 0,
    };

    private FieldExpr ParseField(int minBindingPower = 0)
    {
        using var depth = Deeper();
        var lhs = ParseFieldPrefix();
        while (true)
        {
            var op = Current;
            var bp = FieldBindingPower(op.Kind);
            if (bp == 0 || bp <= minBindingPower) return lhs;
            Take();
            if (op.Kind is TokenKind.Eq or TokenKind.Neq && Current.Kind == TokenKind.Nil)
            {
                Take();
                lhs = Fold.Unary(op.Kind == TokenKind.Eq ? Op.NotExists : Op.Exists, lhs);
                continue;
            }
            // ^ is right associative: its right side may hold another ^.
            var rhs = ParseField(op.Kind == TokenKind.Pow ? bp - 1 : bp);
            lhs = Fold.Binary(FieldOp(op.Kind), lhs, rhs);
        }
    }

    private static Op FieldOp(TokenKind kind) => kind switch
    {
        TokenKind.And => Op.And, TokenKind.Or => Op.Or, TokenKind.Eq => Op.Equal, TokenKind.Neq => Op.NotEqual,
        TokenKind.Lt => Op.Less, TokenKind.Lte => Op.LessEqual, TokenKind.Gt => Op.Greater, TokenKind.Gte => Op.GreaterEqual,
        TokenKind.Re => Op.Regex, TokenKind.Nre => Op.NotRegex, TokenKind.Add => Op.Add, TokenKind.Sub => Op.Sub,
        TokenKind.Mul => Op.Mult, TokenKind.Div => Op.Div, TokenKind.Mod => Op.Mod, TokenKind.Pow => Op.Power,
        _ => Op.None,
    };

    private FieldExpr ParseFieldPrefix()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.OpenParens:
                Take();
                var inner = ParseField();
                Expect(TokenKind.CloseParens);
                return inner;
            case TokenKind.Sub:
                // Unary minus binds like binary minus in Tempo's grammar: `-.a * 2` is `-(.a * 2)`.
                Take();
                return Fold.Unary(Op.Sub, ParseField(4));
            case TokenKind.Not:
                Take();
                return Fold.Unary(Op.Not, ParseField(5));
            case TokenKind.Nil:
                Take();
                if (Current.Kind is not (TokenKind.Eq or TokenKind.Neq)) throw Unexpected();
                var op = Take();
                if (Current.Kind == TokenKind.Nil)
                {
                    Take();
                    return new Literal(Static.False);
                }
                return Fold.Unary(op.Kind == TokenKind.Eq ? Op.NotExists : Op.Exists, ParseField(3));
        }
        if (TryStatic(out var value)) return new Literal(value);
        return ParseAttribute() ?? throw Unexpected();
    }

    private bool TryStatic(out Static value)
    {
        var token = Current;
        value = token.Kind switch
        {
            TokenKind.String => Static.String(token.Text),
            TokenKind.Integer => Static.Int(token.IntValue),
            TokenKind.Float => Static.Float(token.FloatValue),
            TokenKind.Duration => Static.Duration(token.IntValue),
            TokenKind.True => Static.True,
            TokenKind.False => Static.False,
            TokenKind.StatusOk => Static.Status(SpanStatus.Ok),
            TokenKind.StatusError => Static.Status(SpanStatus.Error),
            TokenKind.StatusUnset => Static.Status(SpanStatus.Unset),
            TokenKind.KindUnspecified => Static.Kind(0),
            TokenKind.KindInternal => Static.Kind(1),
            TokenKind.KindServer => Static.Kind(2),
            TokenKind.KindClient => Static.Kind(3),
            TokenKind.KindProducer => Static.Kind(4),
            TokenKind.KindConsumer => Static.Kind(5),
            TokenKind.Identifier => token.Text switch
            {
                "minInt" => Static.Int(long.MinValue),
                "maxInt" => Static.Int(long.MaxValue),
                _ => throw TraceQlException.Syntax("unknown identifier: " + token.Text, token),
            },
            _ => Static.Nil,
        };
        if (token.Kind != TokenKind.Identifier && value.IsNil) return false;
        Take();
        return true;
    }

    /// <summary>An intrinsic, scoped intrinsic or attribute at the current token; null when there is none.</summary>
    private AttributeRef? ParseAttribute()
    {
        var token = Current;
        var plain = token.Kind switch
        {
            TokenKind.IDuration => Intrinsic.Duration, TokenKind.Name => Intrinsic.Name, TokenKind.Status => Intrinsic.Status,
            TokenKind.StatusMessage => Intrinsic.StatusMessage, TokenKind.Kind => Intrinsic.Kind, TokenKind.Parent => Intrinsic.Parent,
            TokenKind.RootName => Intrinsic.TraceRootSpan, TokenKind.RootServiceName => Intrinsic.TraceRootService,
            TokenKind.TraceDuration => Intrinsic.TraceDuration, TokenKind.NestedSetLeft => Intrinsic.NestedSetLeft,
            TokenKind.NestedSetRight => Intrinsic.NestedSetRight, TokenKind.NestedSetParent => Intrinsic.NestedSetParent,
            _ => Intrinsic.None,
        };
        if (plain != Intrinsic.None)
        {
            Take();
            return AttributeRef.Of(plain);
        }
        switch (token.Kind)
        {
            case TokenKind.TraceColon or TokenKind.SpanColon or TokenKind.EventColon or TokenKind.LinkColon or TokenKind.InstrumentationColon:
                Take();
                var name = Current;
                var scoped = (token.Kind, name.Kind) switch
                {
                    (TokenKind.TraceColon, TokenKind.IDuration) => Intrinsic.TraceDuration,
                    (TokenKind.TraceColon, TokenKind.RootName) => Intrinsic.TraceRootSpan,
                    (TokenKind.TraceColon, TokenKind.RootService) => Intrinsic.TraceRootService,
                    (TokenKind.TraceColon, TokenKind.Id) => Intrinsic.TraceId,
                    (TokenKind.SpanColon, TokenKind.IDuration) => Intrinsic.Duration,
                    (TokenKind.SpanColon, TokenKind.Name) => Intrinsic.Name,
                    (TokenKind.SpanColon, TokenKind.Kind) => Intrinsic.Kind,
                    (TokenKind.SpanColon, TokenKind.Status) => Intrinsic.Status,
                    (TokenKind.SpanColon, TokenKind.StatusMessage) => Intrinsic.StatusMessage,
                    (TokenKind.SpanColon, TokenKind.Id) => Intrinsic.SpanId,
                    (TokenKind.SpanColon, TokenKind.ParentId) => Intrinsic.ParentId,
                    (TokenKind.SpanColon, TokenKind.ChildCount) => Intrinsic.ChildCount,
                    (TokenKind.EventColon, TokenKind.Name) => Intrinsic.EventName,
                    (TokenKind.EventColon, TokenKind.TimeSinceStart) => Intrinsic.EventTimeSinceStart,
                    (TokenKind.LinkColon, TokenKind.TraceId) => Intrinsic.LinkTraceId,
                    (TokenKind.LinkColon, TokenKind.SpanId) => Intrinsic.LinkSpanId,
                    (TokenKind.InstrumentationColon, TokenKind.Name) => Intrinsic.InstrumentationName,
                    (TokenKind.InstrumentationColon, TokenKind.Version) => Intrinsic.InstrumentationVersion,
                    _ => throw Unexpected(),
                };
                Take();
                return AttributeRef.Of(scoped);
            case TokenKind.Dot:
                Take();
                // `.name` is the attribute called name, never the intrinsic (Tempo's NewAttribute).
                return new AttributeRef(AttributeName(), AttributeScope.None, false, Intrinsic.None);
            case TokenKind.ResourceDot or TokenKind.SpanDot or TokenKind.EventDot or TokenKind.LinkDot or TokenKind.InstrumentationDot:
                Take();
                var scope = token.Kind switch
                {
                    TokenKind.ResourceDot => AttributeScope.Resource, TokenKind.SpanDot => AttributeScope.Span,
                    TokenKind.EventDot => AttributeScope.Event, TokenKind.LinkDot => AttributeScope.Link,
                    _ => AttributeScope.Instrumentation,
                };
                return AttributeRef.Scoped(scope, false, AttributeName());
            case TokenKind.ParentDot:
                Take();
                var parentScope = AttributeScope.None;
                if (Current.Kind is TokenKind.ResourceDot or TokenKind.SpanDot)
                    parentScope = Take().Kind == TokenKind.ResourceDot ? AttributeScope.Resource : AttributeScope.Span;
                return AttributeRef.Scoped(parentScope, true, AttributeName());
        }
        return null;
    }

    private string AttributeName()
    {
        var name = Expect(TokenKind.Identifier);
        Expect(TokenKind.EndAttribute);
        return name.Text;
    }
}
