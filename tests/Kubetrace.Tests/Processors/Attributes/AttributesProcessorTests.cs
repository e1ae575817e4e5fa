using Google.Protobuf;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.AttributeActions;
using Kubetrace.Processors.Attributes;
using Kubetrace.Processors.ResourceAttributes;
using Kubetrace.Tests.Processors.Conformance;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Processors.Attributes;

/// <summary>The upstream testdata's processors on the spans its comments describe, before and after.</summary>
public class AttributesProcessorTests
{
    private static readonly Dictionary<string, AttributesConfig> Upstream = LoadUpstream();

    private static Dictionary<string, AttributesConfig> LoadUpstream()
    {
        var path = CollectorConfigs.FindFileIfPresent("attributes/config.yaml");
        if (path is null) return []; // the tests call CollectorConfigs.Directory() first, which skips (fails under CI)
        return CollectorConfigs.Load(path).Processors.ToDictionary(p => p.Key.ToString(), p => (AttributesConfig)p.Value.Settings);
    }

    private static async Task<List<Span>> Run(AttributesConfig config, string service, params Span[] spans)
    {
        var next = new RecordingConsumer();
        var processor = new AttributesProcessor(TestSettings.For("attributes"), config, next);
        await processor.ConsumeAsync(global::Kubetrace.Pipeline.TraceBatch.FromRequest(Spans.Request(spans, service)), default);
        return Spans.All(next.Received).ToList();
    }

    private static Span S(string name, params (string, object)[] attributes) => Spans.Span(ByteString.CopyFrom(new byte[16]), name, attributes: attributes);

    private static string Render(Span span) => string.Join(", ", span.Attributes.Select(a => $"{a.Key}={AttributeValues.AsString(a.Value)}:{a.Value.ValueCase}"));

    [SkippableFact]
    public async Task Complex_backfills_copies_then_deletes_in_order()
    {
        CollectorConfigs.Directory();
        var output = await Run(Upstream["attributes/complex"], "svc",
            S("1", ("timeout", 10), ("svc.operation", "addition"), ("operation", "addition")),
            S("2", ("operation", "subtract"), ("math_value", 123)),
            S("3", ("timeout", 10), ("math_value", 4)));
        Assert.Equal([
            "timeout=10:IntValue, svc.operation=addition:StringValue",
            "math_value=123:IntValue, svc.operation=subtract:StringValue",
            "timeout=10:IntValue, math_value=4:IntValue, svc.operation=default:StringValue",
        ], output.Select(Render));
    }

    [SkippableFact]
    public async Task Insert_types_values_as_yaml_does_and_copies_from_attributes()
    {
        CollectorConfigs.Directory();
        var output = await Run(Upstream["attributes/insert"], "svc", S("a", ("anotherkey", "v"), ("attribute1", "kept")), S("b"));
        Assert.Equal(["anotherkey=v:StringValue, attribute1=kept:StringValue, string key=v:StringValue", "attribute1=123:IntValue"], output.Select(Render));
    }

    [SkippableFact]
    public async Task Extract_upserts_named_groups_and_convert_and_hash_change_values()
    {
        CollectorConfigs.Directory();
        var extracted = await Run(Upstream["attributes/regex_insert"], "svc", S("a", ("http.url", "http://example.com/path?queryParam1=value1,queryParam2=value2")));
        Assert.Equal("http.url=http://example.com/path?queryParam1=value1,queryParam2=value2:StringValue, http_protocol=http:StringValue, "
            + "http_domain=example.com:StringValue, http_path=path:StringValue, http_query_params=queryParam1=value1,queryParam2=value2:StringValue",
            Render(extracted.Single()));

        var converted = await Run(Upstream["attributes/convert"], "svc", S("a", ("http.status_code", "503")));
        Assert.Equal("http.status_code=503:IntValue", Render(converted.Single()));

        var hashed = await Run(Upstream["attributes/hash"], "svc", S("a", ("user.email", "a@b.c")));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("a@b.c"u8)), hashed.Single().StringAttribute("user.email"));
    }

    [SkippableFact]
    public async Task Exclude_spares_spans_whose_service_and_every_attribute_match()
    {
        CollectorConfigs.Directory();
        var spared = await Run(Upstream["attributes/excludemulti"], "svcB", S("1", ("env", "dev"), ("test_request", 123), ("credit_card", 1234)));
        var changed = await Run(Upstream["attributes/excludemulti"], "svcB", S("3", ("env", 1), ("test_request", "dev"), ("credit_card", 1234)));
        var otherService = await Run(Upstream["attributes/excludemulti"], "svcC", S("4", ("env", "dev"), ("test_request", false), ("credit_card", 1)));
        Assert.Contains(spared.Single().Attributes, a => a.Key == "credit_card");
        Assert.DoesNotContain(changed.Single().Attributes, a => a.Key == "credit_card");
        Assert.DoesNotContain(otherService.Single().Attributes, a => a.Key == "credit_card");
    }

    [SkippableFact]
    public async Task Strict_attribute_matching_compares_types_so_the_string_false_is_not_false()
    {
        CollectorConfigs.Directory();
        var processed = await Run(Upstream["attributes/selectiveprocessing"], "svcB", S("1", ("redact_trace", "false"), ("credit_card", 1234)));
        var spared = await Run(Upstream["attributes/selectiveprocessing"], "svcB", S("3", ("redact_trace", false), ("credit_card", 1234)));
        Assert.DoesNotContain(processed.Single().Attributes, a => a.Key == "credit_card");
        Assert.Contains(spared.Single().Attributes, a => a.Key == "credit_card");
    }

    [SkippableFact]
    public async Task Regexp_include_and_exclude_on_services_and_span_names()
    {
        CollectorConfigs.Directory();
        var changed = await Run(Upstream["attributes/regexp"], "auth-svc", S("check", ("password", "p"), ("token", "t")));
        var excluded = await Run(Upstream["attributes/regexp"], "auth-svc", S("login-form", ("password", "p"), ("token", "t")));
        Assert.Equal("password=obfuscated:StringValue", Render(changed.Single()));
        Assert.Equal("password=p:StringValue, token=t:StringValue", Render(excluded.Single()));
    }

    [SkippableFact]
    public async Task The_resource_processor_applies_the_same_actions_to_resources()
    {
        var next = new RecordingConsumer();
        var processor = new ResourceProcessor(TestSettings.For("resource"), new ResourceConfig
        {
            Attributes =
            [
                new() { Key = "k8s.cluster.name", Value = new YamlDotNet.RepresentationModel.YamlScalarNode("prod"), Action = "upsert" },
                new() { Key = "host.ip", Action = "delete" },
            ],
        }, next);
        await processor.ConsumeAsync(global::Kubetrace.Pipeline.TraceBatch.FromRequest(Spans.Request([S("a")], "kubelet", ("host.ip", "10.0.0.1"))), default);
        var resource = Assert.Single(next.Received).Request.ResourceSpans.Single().Resource;
        Assert.Equal(["service.name=kubelet", "k8s.cluster.name=prod"], resource.Attributes.Select(a => $"{a.Key}={a.Value.StringValue}"));
    }
}
