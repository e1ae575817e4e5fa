using Kubetrace.Processors.Redaction;

namespace Kubetrace.Tests.Processors.Conformance;

/// <summary>processor/redactionprocessor/testdata and README examples, loaded or refused as the Collector does.</summary>
public class RedactionConfigsTests
{
    [SkippableFact]
    public void The_upstream_testdata_binds_its_keys_and_the_empty_section_means_defaults()
    {
        var path = CollectorConfigs.FindFile("redaction/config.yaml");
        var (processors, diagnostics) = CollectorConfigs.Load(path);

        Assert.Empty(diagnostics.Errors);
        var config = CollectorConfigs.Settings<RedactionConfig>(processors, "redaction");
        Assert.False(config.AllowAllKeys);
        Assert.Equal(["description", "group", "id", "name"], config.AllowedKeys);
        Assert.Equal(["4[0-9]{12}(?:[0-9]{3})?", "(5[1-5][0-9]{14})"], config.BlockedValues);
        Assert.Equal("debug", config.Summary);
        var empty = CollectorConfigs.Settings<RedactionConfig>(processors, "redaction/empty");
        Assert.Equal((false, 0, "", ""), (empty.AllowAllKeys, empty.AllowedKeys.Count, empty.HashFunction, empty.Summary));
    }

    [SkippableTheory]
    [InlineData("empty.yaml")]
    [InlineData("readme_example_full.yaml")]
    [InlineData("readme_allowed_vs_blocked_precedence.yaml")]
    [InlineData("readme_db_sanitizer.yaml")]
    public void The_readme_examples_and_empty_config_load(string file)
    {
        var path = CollectorConfigs.FindFile($"redaction/{file}");
        var (processors, diagnostics) = CollectorConfigs.Load(path);
        Assert.Empty(diagnostics.Errors);
        Assert.IsType<RedactionConfig>(Assert.Single(processors).Value.Settings);
    }

    [SkippableFact]
    public void The_full_readme_example_binds_every_key_and_warns_that_url_sanitizer_is_not_applied()
    {
        var path = CollectorConfigs.FindFile("redaction/readme_example_full.yaml");
        var (processors, diagnostics) = CollectorConfigs.Load(path);
        var config = CollectorConfigs.Settings<RedactionConfig>(processors, "redaction");
        Assert.Equal(["safe_attribute"], config.IgnoredKeys);
        Assert.Equal((true, "md5"), (config.RedactAllTypes, config.HashFunction));
        Assert.Equal([".*token.*", ".*api_key.*"], config.BlockedKeyPatterns);
        Assert.Equal([".+@mycompany.com"], config.AllowedValues);
        Assert.Equal(["http.url", "url"], config.UrlSanitizer.Attributes);
        Assert.Contains(diagnostics.Warnings, w => w.KeyPath == "processors::redaction::url_sanitizer");
    }

    [SkippableFact]
    public void Masking_string_with_hash_function_is_refused()
    {
        var path = CollectorConfigs.FindFile("redaction/INVALID_config_invalid.yaml");
        var (_, diagnostics) = CollectorConfigs.Load(path);
        var error = Assert.Single(diagnostics.Errors);
        Assert.Equal("processors::redaction/hash_function_and_masking_string_set::masking_string", error.KeyPath);
        Assert.StartsWith("masking_string and hash_function cannot be set together", error.Message);
        Assert.True(error.Line > 0);
    }
}
