using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Processors.Redaction;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Processors.Redaction;

/// <summary>
/// A request that arrives encoded is scanned in its bytes: only the resource groups with something to change are
/// decoded. Where the byte scan could disagree with the object path (which group is dirty, nested values, names,
/// summaries, ignored keys), the same request through both must come out the same.
/// </summary>
public class EncodedRedactionTests
{
    private const string Jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl";

    public static TheoryData<string> Configs => ["preset", "collector-debug", "collector-info-ignored", "all-types"];

    private static RedactionConfig Config(string name) => name switch
    {
        "preset" => new RedactionConfig { AllowAllKeys = true, Preset = "kubernetes" },
        "collector-debug" => new RedactionConfig
        {
            AllowedKeys = ["service.name", "http.method", "url.full", "note", "retry", "attempt", "request.headers", "tags"],
            BlockedValues = ["4[0-9]{12}(?:[0-9]{3})?", "hunter2"],
            Summary = "debug",
        },
        "collector-info-ignored" => new RedactionConfig
        {
            AllowAllKeys = true,
            IgnoredKeys = ["note"],
            BlockedValues = ["hunter2"],
            AllowedValues = ["^GET$"],
            Summary = "info",
        },
        _ => new RedactionConfig { AllowAllKeys = true, RedactAllTypes = true, BlockedValues = ["^42$", "hunter2"], Preset = "kubernetes" },
    };

    /// <summary>Five resource groups: clean, secrets on spans (attributes, nested, events, names, status), a secret on
    /// the resource only, clean again, a secret on the instrumentation scope only; a few values each config treats
    /// differently.</summary>
    private static ExportTraceServiceRequest Corpus()
    {
        var clean = Group("web", Span(1, "GET /healthz", ("http.method", "GET"), ("retry", 42), ("url.full", "https://10.96.0.1/api?limit=500")));
        var spans = Group("apiserver",
            Span(2, "GET /api/v1/pods?access_token=s3cr3tT0kenValue1", ("http.request.header.authorization", "Bearer " + Jwt), ("note", "hunter2 here")),
            Span(3, "list", ("request.headers", Map(("accept", "json"), ("cookie", "session=4111111111111111"))), ("tags", List("a", Jwt)), ("attempt", 42)));
        spans.ScopeSpans[0].Spans[1].Status = new Status { Code = Status.Types.StatusCode.Error, Message = "401: Bearer " + Jwt };
        spans.ScopeSpans[0].Spans[1].Events.Add(new Span.Types.Event { Name = "retry", Attributes = { Spans.Attr("url.full", "https://u:pw0rd@h/x") } });
        var resource = Group("kubelet", Span(4, "syncPod", ("http.method", "GET")));
        resource.Resource.Attributes.Add(Spans.Attr("k8s.container.env.TOKEN", "abcdef.0123456789abcdef"));
        var cleanAgain = Group("etcd", Span(5, "Range etcd3", ("http.method", "GET")));
        var scope = Group("controller", Span(6, "reconcile", ("http.method", "GET")));
        scope.ScopeSpans[0].Scope.Attributes.Add(Spans.Attr("scope.credentials", "hunter2 Bearer " + Jwt));
        return new ExportTraceServiceRequest { ResourceSpans = { clean, spans, resource, cleanAgain, scope } };
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task An_encoded_request_comes_out_exactly_as_its_objects_do(string config)
    {
        var request = Corpus();

        var fromObjects = await Redact(config, TraceBatch.FromRequest(request.Clone()));
        var fromBytes = await Redact(config, SampleRequests.Encoded(request));

        Assert.Equal(fromObjects.Request, ExportTraceServiceRequest.Parser.ParseFrom(fromBytes.Encoded.Span));
        Assert.Equal(request.ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count)), fromBytes.SpanCount);
    }

    [Fact]
    public async Task Only_the_groups_with_secrets_are_decoded_the_clean_ones_pass_as_their_bytes()
    {
        var request = Corpus();
        var groups = request.ResourceSpans.Select(r => new ExportTraceServiceRequest { ResourceSpans = { r } }.ToByteArray()).ToArray();

        var output = await Redact("preset", SampleRequests.Encoded(request));

        var segments = output.EncodedSegments.Select(s => s.ToArray()).ToList();
        Assert.Equal(groups[0], segments[0]);
        Assert.Equal(groups[3], segments[3]);
        Assert.NotEqual(groups[1], segments[1]);
        Assert.NotEqual(groups[2], segments[2]);
        Assert.NotEqual(groups[4], segments[4]);
        Assert.DoesNotContain(Jwt, ExportTraceServiceRequest.Parser.ParseFrom(output.Encoded.Span).ToString());
    }

    [Fact]
    public async Task A_request_with_nothing_to_redact_is_handed_on_as_it_came_byte_for_byte()
    {
        var request = new ExportTraceServiceRequest { ResourceSpans = { Corpus().ResourceSpans[0], Corpus().ResourceSpans[3] } };
        var input = SampleRequests.Encoded(request);
        var bytes = input.Encoded.ToArray();

        var output = await Redact("preset", input);

        Assert.Same(input, output);
        Assert.Equal(bytes, output.Encoded.ToArray());
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void The_scan_finds_exactly_the_groups_the_object_path_changes(string config)
    {
        var rules = new RedactionRules(Config(config));
        var request = Corpus();
        var redactor = new AttributeRedactor(rules);
        var changedByObjects = request.ResourceSpans
            .Select((group, index) => (index, changed: redactor.Redact(group.Resource.Attributes) is not null
                || redactor.Redact(group.ScopeSpans[0].Scope.Attributes) is not null || group.ScopeSpans[0].Spans.Any(s =>
                redactor.Redact(s.Attributes) is not null || s.Events.Any(e => redactor.Redact(e.Attributes) is not null)
                || rules.ScanSpanText && (rules.RedactText(s.Name) is not null || rules.RedactText(s.Status?.Message ?? "") is not null))))
            .Where(g => g.changed).Select(g => g.index).ToList();

        Assert.Equal(changedByObjects, new EncodedRedactionScan(rules).DirtyResources(request.ToByteArray()));
        Assert.NotEmpty(changedByObjects);
    }

    private static async Task<TraceBatch> Redact(string config, TraceBatch batch)
    {
        var next = new RecordingConsumer();
        await new RedactionProcessor(TestSettings.For("redaction"), Config(config), next).ConsumeAsync(batch, default);
        return Assert.Single(next.Received);
    }

    private static ResourceSpans Group(string service, params Span[] spans) =>
        Spans.Request(spans, service).ResourceSpans[0];

    private static Span Span(byte id, string name, params (string Key, object Value)[] attributes)
    {
        var traceId = new byte[16];
        traceId[15] = id;
        var span = Spans.Span(ByteString.CopyFrom(traceId), name);
        span.Attributes.Clear();
        span.Attributes.AddRange(attributes.Select(a => new KeyValue { Key = a.Key, Value = a.Value as AnyValue ?? Spans.Value(a.Value) }));
        return span;
    }

    private static AnyValue List(params string[] items) => new() { ArrayValue = new ArrayValue { Values = { items.Select(i => new AnyValue { StringValue = i }) } } };

    private static AnyValue Map(params (string Key, string Value)[] entries) =>
        new() { KvlistValue = new KeyValueList { Values = { entries.Select(e => Spans.Attr(e.Key, e.Value)) } } };
}
