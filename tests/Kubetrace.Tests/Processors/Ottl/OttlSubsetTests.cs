using Google.Protobuf;
using Kubetrace.Config;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.Filter;
using Kubetrace.Processors.Transform;
using Kubetrace.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Tests.Processors.Ottl;

/// <summary>The supported OTTL subset through the filter and transform processors, and the errors for the rest.</summary>
public class OttlSubsetTests
{
    private static Span Sample() =>
        Spans.Span(ByteString.CopyFrom(new byte[16]), "GET /api/v1/pods", attributes:
            [("http.method", "GET"), ("http.url", "https://10.0.0.1/api/v1/pods?token=abc"), ("k8s.pod.name", "web-0"), ("retries", 3), ("note", "a long note")]);

    private static async Task<Span> Transform(params string[] statements)
    {
        var next = new RecordingConsumer();
        var config = new TransformConfig { TraceStatements = statements.Select(s => (YamlNode)new YamlScalarNode(s)).ToList() };
        Assert.Empty(config.Validate());
        var processor = new TransformProcessor(TestSettings.For("transform"), config, next);
        var span = Sample();
        var before = span.Clone();
        await processor.ConsumeAsync(Spans.Batch(span), default);
        Assert.Equal(before, span); // never edited in place
        return Spans.All(next.Received).Single();
    }

    private static async Task<bool> Kept(params string[] dropConditions)
    {
        var next = new RecordingConsumer();
        var config = new FilterConfig { Traces = new() { Span = [.. dropConditions] } };
        Assert.Empty(config.Validate());
        await new FilterProcessor(TestSettings.For("filter"), config, next).ConsumeAsync(
            global::Kubetrace.Pipeline.TraceBatch.FromRequest(Spans.Request([Sample()], "apiserver")), default);
        return next.Received.Count == 1;
    }

    [Theory]
    [InlineData("name == \"GET /api/v1/pods\"")]
    [InlineData("kind == SPAN_KIND_SERVER")]
    [InlineData("status.code == STATUS_CODE_UNSET")]
    [InlineData("attributes[\"retries\"] >= 3 and attributes[\"http.method\"] != \"POST\"")]
    [InlineData("resource.attributes[\"service.name\"] == \"apiserver\"")]
    [InlineData("duration > 100000000")] // 500 ms in nanoseconds
    [InlineData("IsMatch(attributes[\"http.url\"], \"token=\")")]
    [InlineData("not (name == \"x\") and (attributes[\"missing\"] == nil or false)")]
    [InlineData("span.attributes[\"k8s.pod.name\"] == \"web-0\"")]
    [InlineData("SHA256(\"a\") == \"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb\"")]
    [InlineData("IsMatch(attributes[\"retries\"], \"^3$\")")] // a number matched through its text, as the Collector's StringLikeGetter
    public async Task Each_path_converter_and_operator_drops_the_span_when_true(string condition)
    {
        Assert.False(await Kept(condition));
        Assert.True(await Kept($"not ({condition})"));
    }

    [Fact]
    public async Task The_filter_counts_the_spans_it_drops_under_the_collectors_metric()
    {
        var settings = new TestSettings("filter");
        var config = new FilterConfig { Traces = new() { Span = ["attributes[\"retries\"] == 3"] } };
        var filter = new FilterProcessor(settings.Settings, config, new RecordingConsumer());
        var other = Sample();
        other.Attributes.RemoveAt(3);
        await filter.ConsumeAsync(Spans.Batch(Sample(), other, Sample()), default);
        Assert.Contains("otelcol_processor_filter_spans_filtered_total{processor=\"filter\"} 2\n", settings.Metrics.Render());
    }

    private static async Task<List<Span>> TransformGroups(string yaml, Span span)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var config = new TransformConfig
        {
            ErrorMode = "propagate",
            TraceStatements = ((YamlSequenceNode)root.Children[new YamlScalarNode("trace_statements")]).Children.ToList(),
        };
        Assert.Empty(config.Validate());
        var next = new RecordingConsumer();
        await new TransformProcessor(TestSettings.For("transform"), config, next).ConsumeAsync(Spans.Batch(span), default);
        return Spans.All(next.Received).ToList();
    }

    [Fact]
    public async Task Truncate_all_counts_utf8_bytes_and_never_cuts_a_character_in_two()
    {
        // The Collector's limit is in bytes of the UTF-8 text, backed up to the start of a character.
        var span = Spans.Span(ByteString.CopyFrom(new byte[16]), "s", attributes: [("city", "Zürich"), ("two", "Zü"), ("count", 12345)]);
        var output = await TransformGroups("""
            trace_statements:
              - context: span
                statements: ['truncate_all(attributes, 2)']
            """, span);
        Assert.Equal(["city=Z", "two=Z", "count=12345"], output.Single().Attributes.Select(a => $"{a.Key}={AttributeValuesText(a.Value)}"));
    }

    [Fact]
    public async Task A_groups_own_error_mode_overrides_the_processors()
    {
        // set(name, <an int>) fails at run time; the group says ignore, so the batch passes with the span unchanged.
        var output = await TransformGroups("""
            trace_statements:
              - context: span
                error_mode: ignore
                statements: ['set(name, attributes["retries"])']
            """, Sample());
        Assert.Equal("GET /api/v1/pods", output.Single().Name);
    }

    private static string AttributeValuesText(global::Kubetrace.Otlp.Proto.Common.AnyValue value) =>
        global::Kubetrace.Processors.AttributeActions.AttributeValues.AsString(value);

    [Fact]
    public async Task Set_and_delete_key_edit_the_span()
    {
        var span = await Transform("set(attributes[\"env\"], \"prod\")", "set(name, \"pods\") where attributes[\"http.method\"] == \"GET\"",
            "delete_key(attributes, \"retries\")", "set(status.code, STATUS_CODE_ERROR)", "set(attributes[\"id\"], SHA256(attributes[\"k8s.pod.name\"]))");
        Assert.Equal("pods", span!.Name);
        Assert.Equal("prod", span!.StringAttribute("env"));
        Assert.DoesNotContain(span.Attributes, a => a.Key == "retries");
        Assert.Equal(Status.Types.StatusCode.Error, span.Status.Code);
        Assert.Equal(64, span.StringAttribute("id")!.Length);
    }

    [Fact]
    public async Task Replace_pattern_and_replace_all_patterns_rewrite_values_and_keys()
    {
        var span = await Transform("replace_pattern(attributes[\"http.url\"], \"token=[^&]+\", \"token=****\")",
            "replace_all_patterns(attributes, \"key\", \"^k8s\\\\.\", \"kubernetes.\")",
            "replace_all_patterns(attributes, \"value\", \"^GET$\", \"get\")");
        Assert.Equal("https://10.0.0.1/api/v1/pods?token=****", span!.StringAttribute("http.url"));
        Assert.Equal("web-0", span!.StringAttribute("kubernetes.pod.name"));
        Assert.Equal("get", span.StringAttribute("http.method"));
    }

    [Fact]
    public async Task Truncate_all_and_limit_bound_the_attributes()
    {
        var span = await Transform("truncate_all(attributes, 6)", "limit(attributes, 2, [\"note\"])");
        Assert.Equal(["http.method=GET", "note=a long"], span!.Attributes.Select(a => $"{a.Key}={a.Value.StringValue}"));
    }

    [Fact]
    public async Task Resource_and_spanevent_contexts()
    {
        var next = new RecordingConsumer();
        var config = new TransformConfig
        {
            TraceStatements =
            [
                Group("resource", "set(attributes[\"k8s.cluster.name\"], \"prod\")"),
                Group("spanevent", "set(attributes[\"seen\"], true) where name == \"retry\""),
            ],
        };
        Assert.Empty(config.Validate());
        var span = Sample();
        span.Events.Add(new Span.Types.Event { Name = "retry" });
        span.Events.Add(new Span.Types.Event { Name = "other" });
        await new TransformProcessor(TestSettings.For("transform"), config, next).ConsumeAsync(Spans.Batch(span), default);

        var request = Assert.Single(next.Received).Request;
        Assert.Contains(request.ResourceSpans[0].Resource.Attributes, a => a.Key == "k8s.cluster.name" && a.Value.StringValue == "prod");
        var events = request.ResourceSpans[0].ScopeSpans[0].Spans[0].Events;
        Assert.True(events[0].Attributes.Single().Value.BoolValue);
        Assert.Empty(events[1].Attributes);

        static YamlNode Group(string context, string statement) => new YamlMappingNode(
            new YamlScalarNode("context"), new YamlScalarNode(context),
            new YamlScalarNode("statements"), new YamlSequenceNode(new YamlScalarNode(statement)));
    }

    [Theory]
    [InlineData("set(attributes[\"a\"], Concat([\"x\"], \"\"))", "unsupported function \"Concat\"")]
    [InlineData("merge_maps(attributes, resource.attributes, \"upsert\")", "unsupported function \"merge_maps\"")]
    [InlineData("set(end_time_unix_nano, 0)", "unsupported path \"end_time_unix_nano\"")]
    [InlineData("set(attributes[\"a\"][\"b\"], 1)", "nested indexes are not supported")]
    [InlineData("set(resource.attributes[\"a\"], 1)", "resource.attributes can only be changed by statements in the resource context")]
    [InlineData("set(attributes[\"a\"], 1) where IsMatch(name, \"(?=x)\")", "invalid regular expression")]
    [InlineData("IsMatch(name, \"x\")", "\"IsMatch\" is not a supported editor")]
    [InlineData("delete_key(attributes[\"a\"], \"b\")", "delete_key needs a map such as attributes")]
    [InlineData("set(attributes[\"a\"] = 1)", "unsupported operator \"=\"")]
    public void Unsupported_or_malformed_statements_are_config_errors_naming_the_part(string statement, string message)
    {
        var result = new TestServiceConfig()
            .Receiver("otlp", "protocols:\n  grpc:")
            .Processor("transform", $$"""
                trace_statements:
                  - context: span
                    statements:
                      - '{{statement.Replace("'", "''")}}'
                """)
            .Exporter("nop")
            .Load();
        var error = Assert.Single(result.Errors);
        Assert.Equal("processors::transform::trace_statements::0::statements::0", error.KeyPath);
        Assert.Contains(message, error.Message);
        Assert.True(error.Line > 0);
    }
}
