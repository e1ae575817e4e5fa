using System.Text.Json;
using System.Text.Json.Nodes;
using Kubetrace.Cli.Output;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Cli.Output;

/// <summary><c>-o yaml</c>'s writer: the YAML reads back as the JSON it was written from, whatever the values.</summary>
public sealed class JsonAsYamlTests
{
    [Fact]
    public void Strings_a_yaml_reader_would_type_otherwise_stay_strings()
    {
        string[] strings =
        [
            "true", "False", "yes", "No", "on", "OFF", "y", "n", "null", "~", "", " ", "123", "-7", "1.5", "1e3", ".5", "+1", "0x1F", "0o17",
            "0123", "1_000", "12:30", ".inf", "-.Inf", ".nan", "2026-01-02", "2026-01-02T10:00:00Z", "0af7651916cd43dd8448eb211c80319c",
            "00000000000000e1", "a: b", "- x", "#not a comment", "key #x", "'quoted'", "\"double\"", "line\nbreak", "tab\there", " lead",
            "trail ", "{x}", "[1]", "*alias", "&anchor", "!tag", "%dir", "@at", "`tick", "|", ">", "µs ≥205ms …", "日本語", "\u0007bell",
        ];
        var json = JsonSerializer.Serialize(new { strings, keys = strings.Distinct().ToDictionary(s => s, s => s.Length) });

        AssertReadsBack(json);
    }

    [Fact]
    public void Numbers_are_written_as_json_wrote_them()
    {
        const string json = """{"int":42,"negative":-3,"big":12345678901234567890,"fraction":0.1,"exponent":1.5E+300,"tiny":5e-324,"zero":0}""";

        var yaml = JsonAsYaml.Write(JsonDocument.Parse(json).RootElement);

        Assert.Contains("big: 12345678901234567890\n", yaml.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("exponent: 1.5E+300\n", yaml.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        AssertReadsBack(json);
    }

    [Fact]
    public void Nesting_empty_containers_and_nulls_keep_their_shape_and_key_order()
    {
        const string json = """
            {"z":1,"a":{"nested":[{"b":[],"c":{}},[],[[1,2],["x"]],null,true,false]},"empty":{},"list":[],"none":null,"m":[{"k":"v","l":[{}]}]}
            """;

        var yaml = JsonAsYaml.Write(JsonDocument.Parse(json).RootElement);

        Assert.StartsWith("z: 1", yaml, StringComparison.Ordinal);
        AssertReadsBack(json);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[1,\"two\",null]")]
    [InlineData("\"just a string\"")]
    [InlineData("\"true\"")]
    [InlineData("7")]
    public void A_document_that_is_not_an_object_reads_back_too(string json) => AssertReadsBack(json);

    [Fact]
    public void No_line_ends_in_spaces()
    {
        var json = JsonSerializer.Serialize(new { a = "", b = new[] { "", " x" }, c = new { d = (string?)null, e = Array.Empty<int>() }, f = "x\n\ny" });

        var yaml = JsonAsYaml.Write(JsonDocument.Parse(json).RootElement);

        Assert.All(yaml.ReplaceLineEndings("\n").Split('\n'), line => Assert.False(line.EndsWith(' '), $"\"{line}\" ends in a space:\n{yaml}"));
        AssertReadsBack(json);
    }

    private static void AssertReadsBack(string json)
    {
        var yaml = JsonAsYaml.Write(JsonDocument.Parse(json).RootElement);
        var read = YamlReadBack.AsJson(yaml);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), read), $"YAML:\n{yaml}\nreads back as {read?.ToJsonString()}\nnot {json}");
    }
}
