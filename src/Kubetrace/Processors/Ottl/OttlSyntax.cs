namespace Kubetrace.Processors.Ottl;

/// <summary>The parsed forms of the supported subset.</summary>
internal abstract record Expr;

internal sealed record LiteralExpr(object? Value) : Expr;

/// <summary>A path with its context prefix removed, e.g. ("attributes", "http.method") or ("status", "code").</summary>
internal sealed record PathExpr(OttlPath Path) : Expr;

/// <summary>A converter call (IsMatch, SHA256) inside a value or condition.</summary>
internal sealed record CallExpr(string Function, IReadOnlyList<Expr> Arguments) : Expr;

internal sealed record CompareExpr(Expr Left, string Operator, Expr Right) : Expr;

internal sealed record AndExpr(Expr Left, Expr Right) : Expr;

internal sealed record OrExpr(Expr Left, Expr Right) : Expr;

internal sealed record NotExpr(Expr Operand) : Expr;

/// <summary>An editor call and its optional <c>where</c> condition.</summary>
internal sealed record Statement(string Text, CallExpr Editor, Expr? Condition);
