using System.Text.RegularExpressions;
using Kubetrace.Query;

namespace Kubetrace.Processors;

/// <summary>
/// Regexes written for the Collector (Go's RE2 syntax), compiled through <see cref="UserRegex"/> (linear time). The
/// one RE2 spelling .NET lacks that Collector configs use is the named group <c>(?P&lt;name&gt;…)</c>; it becomes
/// <c>(?&lt;name&gt;…)</c>. Matching is unanchored, as Go's <c>MatchString</c>.
/// </summary>
public static class CollectorRegex
{
    public static Regex Compile(string pattern, RegexOptions extra = RegexOptions.None) => UserRegex.Compile(ToDotNet(pattern), extra);

    /// <summary>The pattern's problem as a config message, or null when it compiles.</summary>
    public static string? Problem(string pattern)
    {
        try
        {
            Compile(pattern);
            return null;
        }
        catch (InvalidUserRegexException e)
        {
            return e.Message;
        }
    }

    private static string ToDotNet(string pattern) => pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
}
