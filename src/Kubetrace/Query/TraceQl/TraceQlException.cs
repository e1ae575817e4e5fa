namespace Kubetrace.Query.TraceQl;

/// <summary>Why a TraceQL query was refused, in Tempo's three classes.</summary>
public enum TraceQlErrorKind
{
    /// <summary>The text is not TraceQL (a syntax error, with the line and column).</summary>
    Parse,

    /// <summary>It parses, but is meaningless: a type error, a bad regex, <c>duration = nil</c>.</summary>
    Validation,

    /// <summary>Valid TraceQL that Tempo does not run either (<c>parent.</c> attributes, complex scalar filters).</summary>
    Unsupported,
}

/// <summary>A query the user must change; every API answers it with 400 and <see cref="Exception.Message"/>.</summary>
public sealed class TraceQlException(TraceQlErrorKind kind, string detail, int line = 0, int column = 0)
    : Exception(Format(kind, detail, line, column))
{
    public TraceQlErrorKind Kind { get; } = kind;

    public string Detail { get; } = detail;

    public int Line { get; } = line;

    public int Column { get; } = column;

    public static TraceQlException Syntax(string detail, Token at) => new(TraceQlErrorKind.Parse, detail, at.Line, at.Column);

    private static string Format(TraceQlErrorKind kind, string detail, int line, int column) => kind switch
    {
        TraceQlErrorKind.Parse when line > 0 => $"invalid TraceQL query: parse error at line {line}, col {column}: {detail}",
        TraceQlErrorKind.Parse => $"invalid TraceQL query: parse error: {detail}",
        TraceQlErrorKind.Validation => $"invalid TraceQL query: {detail}",
        _ => $"unsupported TraceQL: {detail} not yet supported",
    };
}
