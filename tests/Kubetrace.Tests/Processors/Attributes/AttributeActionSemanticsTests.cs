using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Pipeline;
using Kubetrace.Processors.AttributeActions;
using Kubetrace.Processors.Attributes;
using Kubetrace.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Tests.Processors.Attributes;

/// <summary>
/// The Collector's attribute actions where they are easy to get wrong (internal/coreinternal/attraction): what the
/// hash of a non-string value is, which action/field combinations its NewAttrProc refuses and in which words,
/// from_context without the <c>metadata.</c> prefix, and extract's named groups that did not take part in the match.
/// </summary>
public class AttributeActionSemanticsTests
{
    private static async Task<Dictionary<string, AnyValue>> Run(IReadOnlyDictionary<string, string>? metadata, ActionConfig[] actions,
        params (string, object)[] attributes)
    {
        var next = new RecordingConsumer();
        var processor = new AttributesProcessor(TestSettings.For("attributes"), new AttributesConfig { Actions = [.. actions] }, next);
        var request = Spans.Request([Spans.Span(ByteString.CopyFrom(new byte[16]), attributes: attributes)]);
        await processor.ConsumeAsync(TraceBatch.FromRequest(request, metadata), default);
        return Spans.All(next.Received).Single().Attributes.ToDictionary(a => a.Key, a => a.Value);
    }

    private static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task Hash_digests_numbers_and_booleans_by_their_binary_form_and_empties_other_types()
    {
        var int64 = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(int64, 1234);
        var float64 = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(float64, BitConverter.DoubleToInt64Bits(2.5));

        var output = await Run(null, [new ActionConfig { Pattern = ".*", Action = "hash" }],
            ("s", "a@b.c"), ("i", 1234L), ("d", 2.5), ("t", true), ("f", false), ("empty", ""), ("list", new[] { "x" }));

        Assert.Equal(new Dictionary<string, string>
        {
            ["s"] = Sha256Hex("a@b.c"u8),
            ["i"] = Sha256Hex(int64),
            ["d"] = Sha256Hex(float64),
            ["t"] = Sha256Hex([1]),
            ["f"] = Sha256Hex([0]),
            ["empty"] = "", // nothing to hash: the Collector writes the empty string
            ["list"] = "",
        }, output.ToDictionary(a => a.Key, a => a.Value.StringValue));
    }

    [Fact]
    public async Task From_context_without_the_metadata_prefix_reads_the_metadata_key_itself()
    {
        var output = await Run(new Dictionary<string, string> { ["x-tenant"] = "team-a" },
            [new ActionConfig { Key = "tenant", FromContext = "x-tenant", Action = "insert" }]);
        Assert.Equal("team-a", output["tenant"].StringValue);
    }

    [Fact]
    public async Task Extract_writes_every_named_group_even_one_that_did_not_take_part()
    {
        var output = await Run(null,
            [new ActionConfig { Key = "http.url", Pattern = "^(?P<scheme>https?)://(?P<host>[^/:]+)(:(?P<port>\\d+))?", Action = "extract" }],
            ("http.url", "https://example.com/x"));
        Assert.Equal(("https", "example.com", ""), (output["scheme"].StringValue, output["host"].StringValue, output["port"].StringValue));
    }

    public static TheoryData<ActionConfig, string, string> Refused => new()
    {
        { new() { Pattern = "^x", Action = "insert", Value = new YamlScalarNode("v") }, "actions::0::key",
            "error creating AttrProc due to missing required field \"key\" at the 0-th actions" },
        { new() { Action = "delete" }, "actions::0::key",
            "error creating AttrProc due to missing required field (at least one of \"key\" and \"pattern\" have to be used) at the 0-th actions" },
        { new() { Key = "k", Action = "upsert", Value = new YamlScalarNode("v"), FromAttribute = "other" }, "actions::0",
            "error creating AttrProc due to multiple value sources being set at the 0-th actions" },
        { new() { Key = "k", Action = "insert", Value = new YamlScalarNode("v"), Pattern = "^x" }, "actions::0::pattern",
            "error creating AttrProc. Action \"insert\" does not use the \"pattern\" field. This must not be specified for 0-th action" },
        { new() { Key = "k", Action = "update", Value = new YamlScalarNode("v"), ConvertedType = "int" }, "actions::0::converted_type",
            "error creating AttrProc. Action \"update\" does not use the \"converted_type\" field. This must not be specified for 0-th action" },
        { new() { Key = "k", Action = "hash", Value = new YamlScalarNode("v") }, "actions::0",
            "error creating AttrProc. Action \"hash\" does not use \"value\" or \"from_attribute\" field. These must not be specified for 0-th action" },
        { new() { Key = "k", Action = "delete", Pattern = "(" }, "actions::0::pattern",
            "error creating AttrProc. Field \"pattern\" has invalid pattern: \"(\" to be set at the 0-th actions" },
        { new() { Key = "k", Action = "extract", FromAttribute = "other", Pattern = "(?P<a>.)" }, "actions::0",
            "error creating AttrProc. Action \"extract\" does not use a value source field. These must not be specified for 0-th action" },
        { new() { Key = "k", Action = "extract" }, "actions::0::pattern",
            "error creating AttrProc due to missing required field \"pattern\" for action \"extract\" at the 0-th action" },
        { new() { Key = "k", Action = "extract", Pattern = "abc" }, "actions::0::pattern",
            "error creating AttrProc. Field \"pattern\" contains no named matcher groups at the 0-th actions" },
        { new() { Key = "k", Action = "convert", Pattern = "x", ConvertedType = "int" }, "actions::0",
            "error creating AttrProc. Action \"convert\" does not use value sources or \"pattern\" field. These must not be specified for 0-th action" },
        { new() { Key = "k", Action = "convert" }, "actions::0::converted_type",
            "error creating AttrProc due to missing required field \"converted_type\" for action \"convert\" at the 0-th action" },
        { new() { Key = "k", Action = "CONVERT", ConvertedType = "float" }, "actions::0::converted_type",
            "error creating AttrProc due to invalid value \"float\" in field \"converted_type\" for action \"convert\" at the 0-th action" },
        { new() { Key = "k", Action = "Rename" }, "actions::0::action",
            "error creating AttrProc due to unsupported action \"rename\" at the 0-th actions" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refuses_what_the_collector_refuses_in_its_words(ActionConfig action, string keyPath, string message)
    {
        var problem = Assert.Single(ActionConfig.Validate([action], "actions"));
        Assert.Equal((keyPath, message), (problem.Key, problem.Message));
    }
}
