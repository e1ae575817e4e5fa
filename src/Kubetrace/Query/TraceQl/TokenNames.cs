using System.Collections.Frozen;

namespace Kubetrace.Query.TraceQl;

/// <summary>The spelling of every fixed token (Tempo's lexer tokenMap) and the grammar names.</summary>
internal static class TokenNames
{
    public static readonly FrozenDictionary<string, TokenKind> BySpelling = new Dictionary<string, TokenKind>
    {
        [","] = TokenKind.Comma, ["."] = TokenKind.Dot, ["{"] = TokenKind.OpenBrace, ["}"] = TokenKind.CloseBrace,
        ["("] = TokenKind.OpenParens, [")"] = TokenKind.CloseParens, ["="] = TokenKind.Eq, ["!="] = TokenKind.Neq,
        ["=~"] = TokenKind.Re, ["!~"] = TokenKind.Nre, [">"] = TokenKind.Gt, [">="] = TokenKind.Gte, ["<"] = TokenKind.Lt,
        ["<="] = TokenKind.Lte, ["+"] = TokenKind.Add, ["-"] = TokenKind.Sub, ["/"] = TokenKind.Div, ["%"] = TokenKind.Mod,
        ["*"] = TokenKind.Mul, ["^"] = TokenKind.Pow, ["true"] = TokenKind.True, ["false"] = TokenKind.False,
        ["nil"] = TokenKind.Nil, ["ok"] = TokenKind.StatusOk, ["error"] = TokenKind.StatusError, ["unset"] = TokenKind.StatusUnset,
        ["unspecified"] = TokenKind.KindUnspecified, ["internal"] = TokenKind.KindInternal, ["server"] = TokenKind.KindServer,
        ["client"] = TokenKind.KindClient, ["producer"] = TokenKind.KindProducer, ["consumer"] = TokenKind.KindConsumer,
        ["&&"] = TokenKind.And, ["||"] = TokenKind.Or, ["!"] = TokenKind.Not, ["|"] = TokenKind.Pipe, [">>"] = TokenKind.Desc,
        ["<<"] = TokenKind.Ance, ["~"] = TokenKind.Sibl, ["!>"] = TokenKind.NotChild, ["!<"] = TokenKind.NotParent,
        ["!>>"] = TokenKind.NotDesc, ["!<<"] = TokenKind.NotAnce, ["&~"] = TokenKind.UnionSibl, ["&>"] = TokenKind.UnionChild,
        ["&<"] = TokenKind.UnionParent, ["&>>"] = TokenKind.UnionDesc, ["&<<"] = TokenKind.UnionAnce,
        ["duration"] = TokenKind.IDuration, ["childCount"] = TokenKind.ChildCount, ["name"] = TokenKind.Name,
        ["status"] = TokenKind.Status, ["statusMessage"] = TokenKind.StatusMessage, ["kind"] = TokenKind.Kind,
        ["rootName"] = TokenKind.RootName, ["rootServiceName"] = TokenKind.RootServiceName, ["rootService"] = TokenKind.RootService,
        ["traceDuration"] = TokenKind.TraceDuration, ["nestedSetLeft"] = TokenKind.NestedSetLeft,
        ["nestedSetRight"] = TokenKind.NestedSetRight, ["nestedSetParent"] = TokenKind.NestedSetParent, ["id"] = TokenKind.Id,
        ["traceID"] = TokenKind.TraceId, ["spanID"] = TokenKind.SpanId, ["parentID"] = TokenKind.ParentId,
        ["timeSinceStart"] = TokenKind.TimeSinceStart, ["version"] = TokenKind.Version, ["parent"] = TokenKind.Parent,
        ["parent."] = TokenKind.ParentDot, ["resource."] = TokenKind.ResourceDot, ["span."] = TokenKind.SpanDot,
        ["trace:"] = TokenKind.TraceColon, ["span:"] = TokenKind.SpanColon, ["event:"] = TokenKind.EventColon,
        ["link:"] = TokenKind.LinkColon, ["instrumentation:"] = TokenKind.InstrumentationColon, ["event."] = TokenKind.EventDot,
        ["link."] = TokenKind.LinkDot, ["instrumentation."] = TokenKind.InstrumentationDot, ["count"] = TokenKind.Count,
        ["avg"] = TokenKind.Avg, ["max"] = TokenKind.Max, ["min"] = TokenKind.Min, ["sum"] = TokenKind.Sum, ["by"] = TokenKind.By,
        ["coalesce"] = TokenKind.Coalesce, ["select"] = TokenKind.Select, ["rate"] = TokenKind.Rate,
        ["count_over_time"] = TokenKind.CountOverTime, ["min_over_time"] = TokenKind.MinOverTime,
        ["max_over_time"] = TokenKind.MaxOverTime, ["avg_over_time"] = TokenKind.AvgOverTime,
        ["sum_over_time"] = TokenKind.SumOverTime, ["quantile_over_time"] = TokenKind.QuantileOverTime,
        ["histogram_over_time"] = TokenKind.HistogramOverTime, ["compare"] = TokenKind.Compare, ["topk"] = TokenKind.TopK,
        ["bottomk"] = TokenKind.BottomK, ["with"] = TokenKind.With,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<TokenKind, string> SpellingByKind =
        BySpelling.ToFrozenDictionary(p => p.Value, p => p.Key);

    public static string? Spelling(TokenKind kind) => SpellingByKind.GetValueOrDefault(kind);

    /// <summary>PascalCase enum name → Tempo's UPPER_SNAKE grammar name (a few differ in more than case).</summary>
    public static string Grammar(TokenKind kind) => kind switch
    {
        TokenKind.End => "$end",
        TokenKind.IDuration => "IDURATION",
        TokenKind.ChildCount => "CHILDCOUNT",
        TokenKind.RootName => "ROOTNAME",
        TokenKind.RootServiceName => "ROOTSERVICENAME",
        TokenKind.RootService => "ROOTSERVICE",
        TokenKind.TraceDuration => "TRACEDURATION",
        TokenKind.NestedSetLeft => "NESTEDSETLEFT",
        TokenKind.NestedSetRight => "NESTEDSETRIGHT",
        TokenKind.NestedSetParent => "NESTEDSETPARENT",
        TokenKind.TimeSinceStart => "TIMESINCESTART",
        TokenKind.TopK => "TOPK",
        TokenKind.BottomK => "BOTTOMK",
        _ => Snake(kind.ToString()),
    };

    private static string Snake(string pascal)
    {
        var sb = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i])) sb.Append('_');
            sb.Append(char.ToUpperInvariant(pascal[i]));
        }
        return sb.ToString();
    }

    /// <summary>Tokens that start an attribute name: the lexer then reads the name as one IDENTIFIER.</summary>
    public static bool StartsAttribute(TokenKind kind) => kind is TokenKind.Dot or TokenKind.ResourceDot or TokenKind.SpanDot
        or TokenKind.ParentDot or TokenKind.EventDot or TokenKind.LinkDot or TokenKind.InstrumentationDot;

    public static bool IsScope(TokenKind kind) => StartsAttribute(kind) && kind != TokenKind.Dot
        || kind is TokenKind.SpanColon or TokenKind.TraceColon or TokenKind.EventColon or TokenKind.LinkColon or TokenKind.InstrumentationColon;
}
