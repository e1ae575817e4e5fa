namespace Kubetrace.Query.TraceQl;

/// <summary>TraceQL operators (Tempo's Operator enum, in its order). The last six exist only in the AST.</summary>
public enum Op
{
    None, Add, Sub, Div, Mod, Mult, Equal, NotEqual, Regex, NotRegex, Greater, GreaterEqual, Less, LessEqual, Power,
    And, Or, Not,
    SpansetChild, SpansetParent, SpansetDescendant, SpansetAncestor, SpansetAnd, SpansetUnion, SpansetSibling,
    SpansetNotChild, SpansetNotParent, SpansetNotSibling, SpansetNotAncestor, SpansetNotDescendant,
    SpansetUnionChild, SpansetUnionParent, SpansetUnionSibling, SpansetUnionAncestor, SpansetUnionDescendant,
    Exists, NotExists, In, NotIn, RegexMatchAny, RegexMatchNone,
}

/// <summary>What each operator means for types (Tempo's enum_operators.go).</summary>
public static class Ops
{
    public static bool IsArithmetic(this Op op) => op is Op.Add or Op.Sub or Op.Mult or Op.Div;

    public static bool IsBoolean(this Op op) => op is Op.Or or Op.And or Op.Equal or Op.NotEqual or Op.Regex or Op.NotRegex
        or Op.Greater or Op.GreaterEqual or Op.Less or Op.LessEqual or Op.Not or Op.Exists or Op.NotExists or Op.In or Op.NotIn
        or Op.RegexMatchAny or Op.RegexMatchNone;

    public static bool IsArrayOp(this Op op) => op is Op.In or Op.NotIn or Op.RegexMatchAny or Op.RegexMatchNone;

    public static Op ElementOp(this Op op) => op switch
    {
        Op.In => Op.Equal, Op.NotIn => Op.NotEqual, Op.RegexMatchAny => Op.Regex, Op.RegexMatchNone => Op.NotRegex, _ => op,
    };

    public static Op Flipped(this Op op) => op switch
    {
        Op.Greater => Op.Less, Op.GreaterEqual => Op.LessEqual, Op.Less => Op.Greater, Op.LessEqual => Op.GreaterEqual, _ => op,
    };

    public static bool BinaryTypesValid(this Op op, StaticType lhs, StaticType rhs) => TypeValid(op, lhs) && TypeValid(op, rhs);

    private static bool TypeValid(Op op, StaticType t) => t switch
    {
        StaticType.Attribute => true,
        StaticType.Boolean or StaticType.BooleanArray => op is Op.And or Op.Or or Op.Equal or Op.NotEqual or Op.In or Op.NotIn,
        StaticType.Float or StaticType.FloatArray or StaticType.Int or StaticType.IntArray or StaticType.Duration =>
            op is Op.Add or Op.Sub or Op.Mult or Op.Div or Op.Mod or Op.Power or Op.Equal or Op.NotEqual or Op.Greater
                or Op.GreaterEqual or Op.Less or Op.LessEqual or Op.In or Op.NotIn,
        StaticType.String or StaticType.StringArray => op is Op.Equal or Op.NotEqual or Op.Regex or Op.NotRegex or Op.Greater
            or Op.GreaterEqual or Op.Less or Op.LessEqual or Op.In or Op.NotIn or Op.RegexMatchAny or Op.RegexMatchNone,
        StaticType.Nil or StaticType.Status or StaticType.Kind => op is Op.Equal or Op.NotEqual,
        _ => false,
    };

    public static bool UnaryTypeValid(this Op op, StaticType t) => t == StaticType.Attribute || op switch
    {
        Op.Sub => t is StaticType.Int or StaticType.Float or StaticType.Duration,
        Op.Not => t == StaticType.Boolean,
        Op.Exists or Op.NotExists => true,
        _ => false,
    };

    /// <summary>Whether two operand types can meet in a binary operation (Tempo's isMatchingOperand).</summary>
    public static bool IsMatchingOperand(this StaticType t, StaticType other)
    {
        if (t == StaticType.Attribute || other == StaticType.Attribute || t == other) return true;
        if (IsNumeric(t) && IsNumeric(other)) return true;
        if (t == StaticType.Nil || other == StaticType.Nil) return true;
        return IsMatchingArrayElement(t, other);
    }

    public static bool IsMatchingArrayElement(this StaticType t, StaticType other)
    {
        var element = ArrayElement(t);
        if (element != StaticType.Nil) return element.IsMatchingOperand(other);
        element = ArrayElement(other);
        return element != StaticType.Nil && element.IsMatchingOperand(t);
    }

    private static StaticType ArrayElement(StaticType t) => t switch
    {
        StaticType.IntArray => StaticType.Int, StaticType.FloatArray => StaticType.Float,
        StaticType.StringArray => StaticType.String, StaticType.BooleanArray => StaticType.Boolean, _ => StaticType.Nil,
    };

    public static bool IsNumeric(this StaticType t) => t is StaticType.Int or StaticType.Float or StaticType.Duration;

    public static bool IsArray(this StaticType t) =>
        t is StaticType.IntArray or StaticType.FloatArray or StaticType.StringArray or StaticType.BooleanArray;

    public static string Text(this Op op) => op switch
    {
        Op.Add => "+", Op.Sub => "-", Op.Div => "/", Op.Mod => "%", Op.Mult => "*", Op.Equal => "=", Op.NotEqual => "!=",
        Op.Regex => "=~", Op.NotRegex => "!~", Op.Greater => ">", Op.GreaterEqual => ">=", Op.Less => "<", Op.LessEqual => "<=",
        Op.Power => "^", Op.And => "&&", Op.Or => "||", Op.Not => "!", Op.SpansetChild => ">", Op.SpansetParent => "<",
        Op.SpansetDescendant => ">>", Op.SpansetAncestor => "<<", Op.SpansetAnd => "&&", Op.SpansetSibling => "~",
        Op.SpansetUnion => "||", Op.SpansetNotChild => "!>", Op.SpansetNotParent => "!<", Op.SpansetNotSibling => "!~",
        Op.SpansetNotAncestor => "!<<", Op.SpansetNotDescendant => "!>>", Op.SpansetUnionChild => "&>",
        Op.SpansetUnionParent => "&<", Op.SpansetUnionSibling => "&~", Op.SpansetUnionAncestor => "&<<",
        Op.SpansetUnionDescendant => "&>>", Op.In => "IN", Op.NotIn => "NOT IN", Op.RegexMatchAny => "MATCH ANY",
        Op.RegexMatchNone => "MATCH NONE", _ => $"operator({(int)op})",
    };
}
