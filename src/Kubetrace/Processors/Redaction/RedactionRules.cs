using System.Text;
using System.Text.RegularExpressions;

namespace Kubetrace.Processors.Redaction;

/// <summary>A configuration compiled once: key sets, key patterns, value rules, allowed values and the masker.</summary>
internal sealed class RedactionRules
{
    /// <summary>The processor's own summary attributes, always allowed (as the Collector's allow list adds them), so that a
    /// second redaction processor adds to the first one's summary instead of removing it.</summary>
    public static readonly string[] SummaryKeys =
    [
        "redaction.redacted.keys", "redaction.redacted.count", "redaction.masked.keys", "redaction.masked.count",
        "redaction.allowed.keys", "redaction.allowed.count", "redaction.ignored.count",
    ];

    private readonly HashSet<string> _allowedKeys;
    private readonly HashSet<string> _ignoredKeys;
    private readonly Regex[] _ignoredKeyPatterns;
    private readonly Regex[] _blockedKeys;
    private readonly Regex[] _allowedValues;
    private readonly Regex? _anyValueRule;
    private readonly LiteralPrefilter? _triggers;

    public RedactionRules(RedactionConfig config)
    {
        var preset = config.Preset == KubernetesPreset.Name;
        AllowAllKeys = config.AllowAllKeys;
        _allowedKeys = new HashSet<string>(config.AllowedKeys.Concat(SummaryKeys), StringComparer.Ordinal);
        _ignoredKeys = new HashSet<string>(config.IgnoredKeys, StringComparer.Ordinal);
        _ignoredKeyPatterns = config.IgnoredKeyPatterns.Select(p => CollectorRegex.Compile(p)).ToArray();
        _blockedKeys = config.BlockedKeyPatterns.Concat(preset ? KubernetesPreset.KeyPatterns : [])
            .Select(p => CollectorRegex.Compile(p)).ToArray();
        _allowedValues = config.AllowedValues.Select(p => CollectorRegex.Compile(p)).ToArray();
        var valuePatterns = config.BlockedValues.Concat(preset ? KubernetesPreset.ValuePatterns : []).ToList();
        ValueRules = valuePatterns.Select(p => new ValueRule(p)).ToArray();
        _anyValueRule = AnyOf(valuePatterns);
        // Only the preset's patterns come with the literals they need; a user's blocked_values are always run.
        _triggers = preset && config.BlockedValues.Count == 0 ? new LiteralPrefilter(KubernetesPreset.ValueTriggers) : null;
        Masker = new Masker(config.HashFunction, config.HmacKey, config.MaskingString);
        ScanAllTypes = config.RedactAllTypes;
        ScanNestedStrings = preset || config.RedactAllTypes;
        ScanSpanText = preset;
        Summary = config.Summary;
    }

    public bool AllowAllKeys { get; }

    public ValueRule[] ValueRules { get; }

    public Masker Masker { get; }

    /// <summary>Numbers and booleans are checked through their text (redact_all_types).</summary>
    public bool ScanAllTypes { get; }

    /// <summary>Strings inside lists and maps are checked (the preset, or redact_all_types).</summary>
    public bool ScanNestedStrings { get; }

    /// <summary>Span names, status messages and event names are checked too (the preset).</summary>
    public bool ScanSpanText { get; }

    public string Summary { get; }

    /// <summary>In ignored_keys, or matching an ignored_key_patterns regex (the Collector's shouldIgnoreKey).</summary>
    public bool IsIgnored(string key) => _ignoredKeys.Contains(key) || AnyMatch(_ignoredKeyPatterns, key);

    public bool MustRemove(string key) => !AllowAllKeys && !_allowedKeys.Contains(key);

    public bool IsBlockedKey(string key) => AnyMatch(_blockedKeys, key);

    private static bool AnyMatch(Regex[] patterns, string key)
    {
        foreach (var regex in patterns)
            if (regex.IsMatch(key)) return true;
        return false;
    }

    public bool IsAllowedValue(ReadOnlySpan<char> value)
    {
        foreach (var regex in _allowedValues)
            if (regex.IsMatch(value)) return true;
        return false;
    }

    /// <summary>
    /// One scan that tells whether any value rule can match, so that a clean value (nearly every value) costs one
    /// pass instead of one per rule; null when the rules do not fit one pattern (see <see cref="UserRegex"/>'s limit).
    /// </summary>
    private static Regex? AnyOf(List<string> patterns)
    {
        if (patterns.Count < 2) return null;
        var combined = string.Join("|", patterns.Select(p => $"(?:{p})"));
        return combined.Length <= Query.UserRegex.MaxPatternLength ? CollectorRegex.Compile(combined, RegexOptions.ExplicitCapture) : null;
    }

    /// <summary>Whether any value rule matches: <see cref="RedactText"/> can change a text only when this is true.</summary>
    public bool CouldRedact(ReadOnlySpan<char> value)
    {
        // Non-ASCII text skips the literal test: a case-insensitive regex matches 'k' to the Kelvin sign, which
        // an ordinal comparison does not.
        if (_triggers is not null && !_triggers.ContainsAny(value) && Ascii.IsValid(value)) return false;
        if (_anyValueRule is not null) return _anyValueRule.IsMatch(value);
        foreach (var rule in ValueRules)
            if (rule.IsMatch(value)) return true;
        return false;
    }

    /// <summary>Every value rule applied in turn; null when none matched.</summary>
    public string? RedactText(string value)
    {
        if (!CouldRedact(value)) return null;
        string? changed = null;
        foreach (var rule in ValueRules)
        {
            var result = rule.Redact(changed ?? value, Masker);
            if (result is not null) changed = result;
        }
        return changed;
    }
}
