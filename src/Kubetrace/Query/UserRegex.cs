using System.Text.RegularExpressions;

namespace Kubetrace.Query;

/// <summary>
/// The one way a regular expression written by a user (a query, a tag filter, a config) is compiled: with .NET's
/// non-backtracking engine, so matching is linear in the input whatever the pattern (no catastrophic backtracking
/// can stall a query or ingest), and with a length limit, so compiling is bounded too. A pattern the engine cannot
/// take (invalid syntax, or backreferences and lookarounds, which need backtracking) is an
/// <see cref="InvalidUserRegexException"/> naming the problem, for a 400 or a config error, never a 500.
/// </summary>
public static class UserRegex
{
    /// <summary>Longer patterns are refused: the automaton's construction grows with the pattern.</summary>
    public const int MaxPatternLength = 1024;

    /// <summary>Compiles <paramref name="pattern"/> as given (callers anchor it if they need whole-value matching).</summary>
    public static Regex Compile(string pattern, RegexOptions extra = RegexOptions.None) => Build(pattern, pattern, 0, extra);

    /// <summary>Compiles <paramref name="pattern"/> to match a whole value: <c>^(?:pattern)$</c>.</summary>
    public static Regex CompileWhole(string pattern, RegexOptions extra = RegexOptions.None) =>
        Build($"^(?:{pattern})$", pattern, 4, extra);

    /// <summary>Builds <paramref name="full"/>; a problem names <paramref name="shown"/>, the user's own text,
    /// with offsets relative to it (<paramref name="prefix"/> characters were added in front).</summary>
    private static Regex Build(string full, string shown, int prefix, RegexOptions extra)
    {
        ArgumentNullException.ThrowIfNull(shown);
        if (shown.Length > MaxPatternLength)
            throw new InvalidUserRegexException(shown, $"longer than {MaxPatternLength} characters");
        try
        {
            return new Regex(full, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | extra);
        }
        catch (NotSupportedException e)
        {
            throw new InvalidUserRegexException(shown, e.Message);
        }
        catch (ArgumentException e)
        {
            throw new InvalidUserRegexException(shown, e is RegexParseException parse
                ? $"{parse.Error} at offset {Math.Clamp(parse.Offset - prefix, 0, shown.Length)}"
                : e.Message);
        }
    }
}

/// <summary>A user's regular expression that cannot be compiled; the message names the pattern and the reason.</summary>
public sealed class InvalidUserRegexException(string pattern, string reason)
    : ArgumentException($"invalid regular expression '{Shorten(pattern)}': {reason}")
{
    public string Pattern { get; } = pattern;

    private static string Shorten(string pattern) => pattern.Length <= 80 ? pattern : pattern[..77] + "...";
}
