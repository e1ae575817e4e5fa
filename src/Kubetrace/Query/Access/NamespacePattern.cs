using System.Text.RegularExpressions;

namespace Kubetrace.Query.Access;

/// <summary>
/// A namespace name or a glob over names (<c>team-a</c>, <c>team-*</c>, <c>*-staging</c>): <c>*</c> stands for any
/// run of characters, everything else for itself. Compiled through <see cref="UserRegex"/>, so matching is linear
/// in the name whatever the pattern.
/// </summary>
public sealed class NamespacePattern
{
    private readonly Regex? _regex;

    private NamespacePattern(string text, Regex? regex)
    {
        Text = text;
        _regex = regex;
    }

    public string Text { get; }

    public bool Matches(string ns) => _regex?.IsMatch(ns) ?? ns == Text;

    /// <summary>A pattern of DNS-label characters (lower-case letters, digits, <c>-</c>) and <c>*</c>; null with the reason otherwise.</summary>
    public static NamespacePattern? TryParse(string text, out string? error)
    {
        error = null;
        if (text.Length is 0 or > 63)
            error = "a namespace pattern is 1 to 63 characters";
        else if (text.FirstOrDefault(c => c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '*')) is var bad and not '\0')
            error = $"'{bad}' cannot appear in a namespace name (lower-case letters, digits and '-'; '*' is the wildcard)";
        if (error is not null) return null;
        if (!text.Contains('*')) return new NamespacePattern(text, null);
        return new NamespacePattern(text, UserRegex.CompileWhole(string.Join(".*", text.Split('*').Select(Regex.Escape))));
    }

    public override string ToString() => Text;
}
