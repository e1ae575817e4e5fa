using Google.Protobuf;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.Redaction;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Processors.Redaction;

/// <summary>The Collector's redaction rules and summary attributes (processor/redactionprocessor/processor.go).</summary>
public class CollectorSemanticsTests
{
    private static async Task<Span> Redact(RedactionConfig config, params (string Key, object Value)[] attributes)
    {
        var next = new RecordingConsumer();
        var processor = new RedactionProcessor(TestSettings.For("redaction"), config, next);
        await processor.ConsumeAsync(Spans.Batch(Spans.Span(ByteString.CopyFrom(new byte[16]), attributes: attributes)), default);
        return Assert.Single(Spans.All(next.Received));
    }

    private static Dictionary<string, string> Flat(Span span) => Flat(span.Attributes);

    private static Dictionary<string, string> Flat(IEnumerable<global::Kubetrace.Otlp.Proto.Common.KeyValue> attributes) =>
        attributes.ToDictionary(a => a.Key, a => a.Value.ValueCase == global::Kubetrace.Otlp.Proto.Common.AnyValue.ValueOneofCase.IntValue
            ? a.Value.IntValue.ToString() : a.Value.StringValue);

    [Fact]
    public async Task Keys_not_allowed_are_removed_blocked_values_masked_and_debug_summary_lists_both()
    {
        var span = await Redact(new RedactionConfig
        {
            AllowedKeys = ["id", "name", "group"],
            BlockedValues = ["4[0-9]{12}(?:[0-9]{3})?"],
            Summary = "debug",
        }, ("id", 5), ("name", "card 4111111111111111 end"), ("group", "g"), ("credit_card", "4111111111111111"), ("birth_date", "x"));

        Assert.Equal(new Dictionary<string, string>
        {
            ["id"] = "5", // an int: not a string, so not scanned (redact_all_types is false)
            ["name"] = "card **** end",
            ["group"] = "g",
            ["redaction.redacted.keys"] = "birth_date,credit_card",
            ["redaction.redacted.count"] = "2",
            ["redaction.masked.keys"] = "name",
            ["redaction.masked.count"] = "1",
        }, Flat(span));
    }

    [Fact]
    public async Task A_second_redaction_processor_keeps_and_adds_to_the_first_ones_summary()
    {
        // The Collector allows every summary attribute it writes (redaction.allowed.* too), so that a chain of
        // redaction processors accumulates the summary instead of removing it as keys not allowed.
        var config = new RedactionConfig
        {
            AllowedKeys = ["email"],
            BlockedValues = ["@"],
            AllowedValues = ["@support\\.example\\.com$"],
            Summary = "debug",
        };
        var last = new RecordingConsumer();
        var second = new RedactionProcessor(TestSettings.For("redaction/2"), config, last);
        var first = new RedactionProcessor(TestSettings.For("redaction/1"), config, second);
        await first.ConsumeAsync(Spans.Batch(Spans.Span(ByteString.CopyFrom(new byte[16]), attributes: [("email", "a@support.example.com")])), default);

        Assert.Equal(new Dictionary<string, string>
        {
            ["email"] = "a@support.example.com",
            ["redaction.allowed.keys"] = "email,email",
            ["redaction.allowed.count"] = "2",
        }, Flat(Assert.Single(Spans.All(last.Received))));
    }

    [Fact]
    public async Task Allowed_values_win_over_blocked_values_and_ignored_keys_pass_untouched()
    {
        var span = await Redact(new RedactionConfig
        {
            AllowAllKeys = true,
            IgnoredKeys = ["safe_attribute"],
            BlockedValues = ["mycompany.com"],
            AllowedValues = [".+@support.mycompany.com"],
            Summary = "info",
        }, ("to", "a@support.mycompany.com"), ("from", "b@mycompany.com"), ("safe_attribute", "mycompany.com"));

        Assert.Equal(new Dictionary<string, string>
        {
            ["to"] = "a@support.mycompany.com",
            ["from"] = "b@****",
            ["safe_attribute"] = "mycompany.com",
            ["redaction.masked.count"] = "1",
            ["redaction.allowed.count"] = "1",
            ["redaction.ignored.count"] = "1",
        }, Flat(span));
    }

    [Fact]
    public async Task Blocked_key_patterns_mask_the_whole_value_and_hash_function_replaces_it_with_a_digest()
    {
        var span = await Redact(new RedactionConfig
        {
            AllowAllKeys = true,
            BlockedKeyPatterns = [".*token.*"],
            BlockedValues = ["secret"],
            HashFunction = "md5",
        }, ("auth_token", "abc"), ("note", "a secret here"));

        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", span.StringAttribute("auth_token")); // md5("abc")
        Assert.Equal("a 5ebe2294ecd0e0f08eab7690d2a6ee69 here", span.StringAttribute("note")); // md5("secret")
    }

    [Fact]
    public async Task Redact_all_types_scans_numbers_through_their_text()
    {
        var span = await Redact(new RedactionConfig { AllowAllKeys = true, RedactAllTypes = true, BlockedValues = ["4[0-9]{15}"] },
            ("card", 4111111111111111L), ("count", 3));

        Assert.Equal("****", span.StringAttribute("card"));
        Assert.Equal(3, span.Attributes[1].Value.IntValue);
    }

    [Fact]
    public async Task Scope_attributes_are_redacted_like_any_other_with_their_own_summary()
    {
        var next = new RecordingConsumer();
        var processor = new RedactionProcessor(TestSettings.For("redaction"), new RedactionConfig
        {
            AllowedKeys = ["library.note"],
            BlockedValues = ["hunter2"],
            Summary = "debug",
        }, next);
        var request = Spans.Request([Spans.Span(ByteString.CopyFrom(new byte[16]))]);
        request.ResourceSpans[0].ScopeSpans[0].Scope.Attributes.Add(Spans.Attr("library.note", "pw hunter2"));
        request.ResourceSpans[0].ScopeSpans[0].Scope.Attributes.Add(Spans.Attr("library.token", "t0ken"));

        await processor.ConsumeAsync(global::Kubetrace.Pipeline.TraceBatch.FromRequest(request), default);

        var scope = Assert.Single(next.Received).Request.ResourceSpans[0].ScopeSpans[0].Scope;
        Assert.Equal("test", scope.Name);
        Assert.Equal(new Dictionary<string, string>
        {
            ["library.note"] = "pw ****",
            ["redaction.redacted.keys"] = "library.token",
            ["redaction.redacted.count"] = "1",
            ["redaction.masked.keys"] = "library.note",
            ["redaction.masked.count"] = "1",
        }, Flat(scope.Attributes));
    }

    [Fact]
    public async Task Ignored_key_patterns_pass_matching_keys_untouched_as_ignored_keys_do()
    {
        var span = await Redact(new RedactionConfig
        {
            AllowedKeys = ["note"],
            IgnoredKeyPatterns = ["^safe\\."],
            BlockedValues = ["hunter2"],
            Summary = "info",
        }, ("safe.password", "hunter2"), ("note", "hunter2"), ("unsafe.password", "hunter2"));

        Assert.Equal(new Dictionary<string, string>
        {
            ["safe.password"] = "hunter2",
            ["note"] = "****",
            ["redaction.redacted.count"] = "1",
            ["redaction.masked.count"] = "1",
            ["redaction.ignored.count"] = "1",
        }, Flat(span));
    }

    [Theory]
    [InlineData("hmac-sha256", "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")]
    [InlineData("hmac-sha512", "b42af09057bac1e2d41708e48a902e09b5ff7f12ab428a4fe86653c73dd248fb82f948a549f7b791a5b41915ee4d1ec3935357e4e2317250d0372afa2ebeeb3a")]
    public async Task Hmac_hash_functions_replace_a_match_with_its_keyed_hex_digest(string function, string digest)
    {
        // RFC 4231-style vector: HMAC(key "key", "The quick brown fox jumps over the lazy dog").
        var span = await Redact(new RedactionConfig
        {
            AllowAllKeys = true,
            BlockedKeyPatterns = ["^text$"],
            HashFunction = function,
            HmacKey = "key",
        }, ("text", "The quick brown fox jumps over the lazy dog"));

        Assert.Equal(digest, span.StringAttribute("text"));
    }

    [Theory]
    [InlineData("hmac-sha256", "", "hmac_key")]
    [InlineData("HMAC-SHA512", "", "hmac_key")]
    [InlineData("sha256", "k", "hash_function")]
    public void An_hmac_function_needs_a_key_and_unknown_functions_name_the_allowed_ones(string function, string key, string problemKey)
    {
        var problems = new RedactionConfig { AllowAllKeys = true, HashFunction = function, HmacKey = key }.Validate().ToList();

        Assert.Equal(problemKey, Assert.Single(problems).Key);
    }

    [Fact]
    public void Hmac_functions_with_a_key_are_accepted()
    {
        Assert.Empty(new RedactionConfig { AllowAllKeys = true, HashFunction = "hmac-sha512", HmacKey = "k" }.Validate());
    }
}
