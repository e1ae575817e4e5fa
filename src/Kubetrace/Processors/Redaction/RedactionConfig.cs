using Kubetrace.Components;

namespace Kubetrace.Processors.Redaction;

/// <summary>
/// The <c>redaction</c> processor's configuration: the Collector's keys and defaults
/// (processor/redactionprocessor/config.go), plus Kubetrace's <c>preset: kubernetes</c>.
/// </summary>
public sealed class RedactionConfig : IValidatableConfig, IConfigWithWarnings
{
    /// <summary>Keep every attribute key (allowed_keys is then ignored); blocked values are masked regardless.</summary>
    public bool AllowAllKeys { get; set; }

    /// <summary>Attribute keys kept; every other key is removed. Empty and allow_all_keys false: all are removed (fails closed).</summary>
    public List<string> AllowedKeys { get; set; } = [];

    /// <summary>Keys passed through untouched: neither removed nor masked.</summary>
    public List<string> IgnoredKeys { get; set; } = [];

    /// <summary>Regexes on keys: a matching key passes untouched, as one in ignored_keys does.</summary>
    public List<string> IgnoredKeyPatterns { get; set; } = [];

    /// <summary>Regexes on keys: the whole value of a matching key is masked.</summary>
    public List<string> BlockedKeyPatterns { get; set; } = [];

    /// <summary>Regexes on values: each match is masked.</summary>
    public List<string> BlockedValues { get; set; } = [];

    /// <summary>Regexes on values: a value that matches one is left alone, even if blocked (allowed wins).</summary>
    public List<string> AllowedValues { get; set; } = [];

    /// <summary>Replace matches with their md5, sha1, sha3 (SHA3-256), hmac-sha256 or hmac-sha512 hex digest instead of the masking string.</summary>
    public string HashFunction { get; set; } = "";

    /// <summary>The key of hmac-sha256 / hmac-sha512 (its UTF-8 bytes, as the Collector uses it).</summary>
    public string HmacKey { get; set; } = "";

    /// <summary>What replaces a masked match; "****" when unset. Excludes hash_function.</summary>
    public string? MaskingString { get; set; }

    /// <summary>Also check values that are not strings (numbers, booleans, lists) through their text form.</summary>
    public bool RedactAllTypes { get; set; }

    /// <summary>debug (keys and counts), info (counts) or silent (nothing) as <c>redaction.*</c> span attributes.</summary>
    public string Summary { get; set; } = "";

    /// <summary>The Collector's URL cardinality reducer; accepted, not applied (see warnings).</summary>
    public SanitizerConfig UrlSanitizer { get; set; } = new();

    /// <summary>The Collector's database statement obfuscators; accepted, not applied (see warnings).</summary>
    public DbSanitizerConfig DbSanitizer { get; set; } = new();

    /// <summary>Kubetrace: <c>kubernetes</c> adds the rules for what cluster traces leak (see <see cref="KubernetesPreset"/>).</summary>
    public string Preset { get; set; } = "";

    public IEnumerable<ConfigProblem> Validate()
    {
        var hashFunction = HashFunction.ToLowerInvariant();
        if (hashFunction is not ("" or "md5" or "sha1" or "sha3" or "hmac-sha256" or "hmac-sha512"))
            yield return new("hash_function", $"unknown HashFunction {hashFunction}, allowed functions are sha1, sha3, md5, hmac-sha256 and hmac-sha512");
        // Kubetrace refuses an empty key: an HMAC keyed with nothing is a plain digest anyone can recompute.
        if (hashFunction is "hmac-sha256" or "hmac-sha512" && HmacKey.Length == 0)
            yield return new("hmac_key", $"hash_function {hashFunction} needs hmac_key (the secret that keys the digest)");
        if (MaskingString is not null && HashFunction.Length > 0)
            yield return new("masking_string", "masking_string and hash_function cannot be set together: a match is either masked or hashed");
        if (Preset is not ("" or KubernetesPreset.Name))
            yield return new("preset", $"unknown preset \"{Preset}\" (known: {KubernetesPreset.Name})");
        foreach (var (key, patterns) in new[]
                 {
                     ("ignored_key_patterns", IgnoredKeyPatterns), ("blocked_key_patterns", BlockedKeyPatterns), ("blocked_values", BlockedValues), ("allowed_values", AllowedValues),
                 })
        {
            for (var i = 0; i < patterns.Count; i++)
                if (CollectorRegex.Problem(patterns[i]) is { } error) yield return new($"{key}::{i}", error);
        }
    }

    public IEnumerable<ConfigProblem> Warnings()
    {
        if (Summary is not ("" or "debug" or "info" or "silent"))
            yield return new("summary", $"summary \"{Summary}\" is none of debug, info, silent: no summary attributes are written (as in the Collector)");
        if (UrlSanitizer.Enabled)
            yield return new("url_sanitizer", "url_sanitizer is accepted but not applied by Kubetrace: URLs pass without cardinality reduction");
        if (DbSanitizer.AnyEnabled)
            yield return new("db_sanitizer", "db_sanitizer is accepted but not applied by Kubetrace: statements pass without obfuscation");
        if (!AllowAllKeys && AllowedKeys.Count == 0)
            yield return new("allowed_keys", "allowed_keys is empty and allow_all_keys is false: every attribute is removed (the Collector fails closed too)");
    }
}

/// <summary><c>url_sanitizer</c> and each <c>db_sanitizer</c> entry: on/off and the attributes it applies to.</summary>
public sealed class SanitizerConfig
{
    public bool Enabled { get; set; }

    public List<string> Attributes { get; set; } = [];
}

public sealed class DbSanitizerConfig
{
    public SanitizerConfig Sql { get; set; } = new();

    public SanitizerConfig Redis { get; set; } = new();

    public SanitizerConfig Memcached { get; set; } = new();

    public SanitizerConfig Mongo { get; set; } = new();

    public SanitizerConfig Opensearch { get; set; } = new();

    public SanitizerConfig Es { get; set; } = new();

    public bool AnyEnabled => Sql.Enabled || Redis.Enabled || Memcached.Enabled || Mongo.Enabled || Opensearch.Enabled || Es.Enabled;
}
