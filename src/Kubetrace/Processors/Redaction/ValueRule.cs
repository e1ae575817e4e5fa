using System.Text;
using System.Text.RegularExpressions;

namespace Kubetrace.Processors.Redaction;

/// <summary>
/// A regex whose matches are masked in values. When it has a group named <c>secret</c>, only that group is masked
/// (so <c>?token=abc</c> becomes <c>?token=****</c> and the URL stays readable); otherwise the whole match is, as
/// the Collector masks <c>blocked_values</c>. Compiled through <see cref="CollectorRegex"/>: linear time.
/// </summary>
internal sealed class ValueRule
{
    private readonly Regex _regex;
    private readonly int _secretGroup;

    public ValueRule(string pattern)
    {
        _regex = CollectorRegex.Compile(pattern);
        _secretGroup = _regex.GroupNumberFromName("secret");
    }

    public bool IsMatch(ReadOnlySpan<char> value) => _regex.IsMatch(value);

    /// <returns>The value with every match masked, or null when nothing matched (the common case: no allocation).</returns>
    public string? Redact(string value, Masker masker)
    {
        var match = _regex.Match(value);
        if (!match.Success) return null;
        var output = new StringBuilder(value.Length);
        var copied = 0;
        var masked = false;
        for (; match.Success; match = match.NextMatch())
        {
            var secret = _secretGroup >= 0 ? match.Groups[_secretGroup] : match;
            if (!secret.Success) continue;
            // Like Go's ReplaceAll: an empty match right after a match is not another match (".*" masks "abc" once).
            if (masked && secret.Length == 0 && secret.Index == copied) continue;
            masked = true;
            output.Append(value, copied, secret.Index - copied).Append(masker.Mask(secret.ValueSpan));
            copied = secret.Index + secret.Length;
        }
        if (!masked) return null;
        return output.Append(value, copied, value.Length - copied).ToString();
    }
}
