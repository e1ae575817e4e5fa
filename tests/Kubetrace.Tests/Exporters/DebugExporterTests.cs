using Google.Protobuf;
using Kubetrace.Components;
using Kubetrace.Exporters.Debug;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Exporters;

public sealed class DebugExporterTests
{
    private static KeyValue Attr(string key, AnyValue value) => new() { Key = key, Value = value };

    private static AnyValue Str(string s) => new() { StringValue = s };

    private static ByteString Hex(string hex) => ByteString.CopyFrom(Convert.FromHexString(hex));

    /// <summary>A kubelet span with every kind of field filled in.</summary>
    private static ExportTraceServiceRequest KnownRequest()
    {
        var span = new Span
        {
            TraceId = Hex("0102030405060708090a0b0c0d0e0f10"),
            SpanId = Hex("1112131415161718"),
            ParentSpanId = Hex("2122232425262728"),
            TraceState = "ot=th:0",
            Name = "SyncPod",
            Kind = Span.Types.SpanKind.Internal,
            StartTimeUnixNano = 1581452772000000321,
            EndTimeUnixNano = 1581452773000000000,
            Status = new Status { Code = Status.Types.StatusCode.Error, Message = "pod sandbox failed" },
            Attributes =
            {
                Attr("k8s.pod.name", Str("web-0")),
                Attr("retries", new AnyValue { IntValue = -3 }),
                Attr("ratio", new AnyValue { DoubleValue = 0.25 }),
                Attr("tiny", new AnyValue { DoubleValue = 1e-7 }),
                Attr("ready", new AnyValue { BoolValue = true }),
                Attr("raw", new AnyValue { BytesValue = ByteString.CopyFromUtf8("hi") }),
                Attr("ports", new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 80 }, Str("https") } } }),
                Attr("labels", new AnyValue
                {
                    KvlistValue = new KeyValueList { Values = { Attr("tier", Str("web")), Attr("app", Str("shop")) } },
                }),
                new KeyValue { Key = "unset" },
            },
            Events =
            {
                new Span.Types.Event
                {
                    Name = "image pulled", TimeUnixNano = 1581452772500000000, DroppedAttributesCount = 1,
                    Attributes = { Attr("image", Str("nginx:1.27")) },
                },
                new Span.Types.Event { Name = "started", TimeUnixNano = 1581452772600000000 },
            },
            Links =
            {
                new Span.Types.Link
                {
                    TraceId = Hex("f102030405060708090a0b0c0d0e0f10"),
                    SpanId = Hex("f112131415161718"),
                    TraceState = "k=v",
                    Attributes = { Attr("link.kind", Str("follows")) },
                },
            },
        };
        var root = new Span
        {
            TraceId = Hex("0102030405060708090a0b0c0d0e0f10"),
            SpanId = Hex("2122232425262728"),
            Name = "UpdatePodStatus",
            Kind = Span.Types.SpanKind.Server,
            StartTimeUnixNano = 1581452772000000000,
            EndTimeUnixNano = 1581452774000000000,
        };
        return new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    SchemaUrl = "https://opentelemetry.io/schemas/1.24.0",
                    Resource = new Resource { Attributes = { Attr("service.name", Str("kubelet")) } },
                    ScopeSpans =
                    {
                        new ScopeSpans
                        {
                            Scope = new InstrumentationScope { Name = "k8s.io/kubelet", Version = "1.31.0" },
                            Spans = { span, root },
                        },
                    },
                },
            },
        };
    }

    private static async Task<string> Print(IExporterFactory factory, object config, StringWriter output)
    {
        var test = new TestSettings(factory.Type);
        var exporter = factory.Create(test.Settings, config);
        await exporter.StartAsync(default);
        await exporter.ConsumeAsync(TraceBatch.FromRequest(KnownRequest()), default);
        await exporter.ShutdownAsync(default);
        return output.ToString();
    }

    private const string Detailed = """
        Traces {resource spans: 1, spans: 2}
        ResourceSpans #0
        Resource SchemaURL: https://opentelemetry.io/schemas/1.24.0
        Resource attributes:
             -> service.name: Str(kubelet)
        ScopeSpans #0
        ScopeSpans SchemaURL: 
        InstrumentationScope k8s.io/kubelet 1.31.0
        Span #0
            Trace ID       : 0102030405060708090a0b0c0d0e0f10
            Parent ID      : 2122232425262728
            ID             : 1112131415161718
            Name           : SyncPod
            Kind           : Internal
            TraceState     : ot=th:0
            Start time     : 2020-02-11 20:26:12.000000321 +0000 UTC
            End time       : 2020-02-11 20:26:13 +0000 UTC
            Status code    : Error
            Status message : pod sandbox failed
        Attributes:
             -> k8s.pod.name: Str(web-0)
             -> retries: Int(-3)
             -> ratio: Double(0.25)
             -> tiny: Double(1e-7)
             -> ready: Bool(true)
             -> raw: Bytes(aGk=)
             -> ports: Slice([80,"https"])
             -> labels: Map({"app":"shop","tier":"web"})
             -> unset: Empty()
        Events:
        SpanEvent #0
             -> Name: image pulled
             -> Timestamp: 2020-02-11 20:26:12.5 +0000 UTC
             -> DroppedAttributesCount: 1
             -> Attributes::
                  -> image: Str(nginx:1.27)
        SpanEvent #1
             -> Name: started
             -> Timestamp: 2020-02-11 20:26:12.6 +0000 UTC
             -> DroppedAttributesCount: 0
        Links:
        SpanLink #0
             -> Trace ID: f102030405060708090a0b0c0d0e0f10
             -> ID: f112131415161718
             -> TraceState: k=v
             -> DroppedAttributesCount: 0
             -> Attributes::
                  -> link.kind: Str(follows)
        Span #1
            Trace ID       : 0102030405060708090a0b0c0d0e0f10
            Parent ID      : 
            ID             : 2122232425262728
            Name           : UpdatePodStatus
            Kind           : Server
            Start time     : 2020-02-11 20:26:12 +0000 UTC
            End time       : 2020-02-11 20:26:14 +0000 UTC
            Status code    : Unset
            Status message : 

        """;

    [Fact]
    public async Task Detailed_verbosity_prints_every_field_in_the_Collector_layout()
    {
        var output = new StringWriter();

        var text = await Print(new DebugExporterFactory(output), new DebugExporterConfig { Verbosity = Verbosity.Detailed }, output);

        Assert.Equal(Detailed.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public async Task Normal_verbosity_prints_one_line_per_span()
    {
        var output = new StringWriter();

        var text = await Print(new DebugExporterFactory(output), new DebugExporterConfig { Verbosity = Verbosity.Normal }, output);

        Assert.Equal(
            "Traces {resource spans: 1, spans: 2}\n" +
            "SyncPod 0102030405060708090a0b0c0d0e0f10 1112131415161718 k8s.pod.name=web-0 retries=-3 ratio=0.25 tiny=1e-7 " +
            "ready=true raw=aGk= ports=[80,\"https\"] labels={\"app\":\"shop\",\"tier\":\"web\"} unset=\n" +
            "UpdatePodStatus 0102030405060708090a0b0c0d0e0f10 2122232425262728\n", text);
    }

    [Fact]
    public async Task Basic_verbosity_prints_one_summary_line_per_batch()
    {
        var output = new StringWriter();

        var text = await Print(new DebugExporterFactory(output), new DebugExporterConfig(), output);

        Assert.Equal("Traces {resource spans: 1, spans: 2}\n", text);
    }

    [Fact]
    public async Task Sampling_prints_the_initial_batches_of_a_second_then_every_nth()
    {
        var output = new StringWriter();
        var test = new TestSettings("debug");
        var config = new DebugExporterConfig { SamplingInitial = 2, SamplingThereafter = 3 };
        var clock = new ManualClock();
        var exporter = new DebugExporterFactory(output, clock).Create(test.Settings, config);

        for (var i = 0; i < 8; i++) await exporter.ConsumeAsync(SampleRequests.Batch(1), default);
        clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 2; i++) await exporter.ConsumeAsync(SampleRequests.Batch(1), default);

        // First second: batches 1, 2 (initial), then 5 and 8 (every third); the next second starts afresh.
        Assert.Equal(6, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(10, test.Counter("otelcol_exporter_sent_spans"));
    }

    [Theory]
    [InlineData("debug", Verbosity.Detailed)]
    [InlineData("info", Verbosity.Normal)]
    [InlineData("warn", Verbosity.Basic)]
    [InlineData("error", Verbosity.Basic)]
    [InlineData(null, Verbosity.Basic)]
    public void The_logging_exporter_maps_its_loglevel_to_a_verbosity(string? logLevel, Verbosity expected)
    {
        var config = new LoggingExporterConfig { LogLevel = logLevel };

        Assert.Equal(expected, config.ToDebugConfig().Verbosity);
        Assert.Empty(config.Validate());
    }

    [Fact]
    public async Task The_logging_exporter_prints_like_debug()
    {
        var output = new StringWriter();
        var test = new TestSettings("logging");
        var exporter = new LoggingExporterFactory(output).Create(test.Settings, new LoggingExporterConfig { LogLevel = "debug" });

        await exporter.ConsumeAsync(TraceBatch.FromRequest(KnownRequest()), default);

        Assert.Equal(Detailed.ReplaceLineEndings("\n"), output.ToString());
    }

    [Fact]
    public void The_logging_exporter_config_warns_that_it_is_deprecated()
    {
        var warning = Assert.Single(new LoggingExporterConfig { LogLevel = "debug" }.Warnings());

        Assert.Equal("", warning.Key);
        Assert.Contains("deprecated", warning.Message, StringComparison.Ordinal);
        Assert.Contains("use debug", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_loglevel_is_a_config_problem()
    {
        var problem = Assert.Single(new LoggingExporterConfig { LogLevel = "verbose" }.Validate());

        Assert.Equal(new ConfigProblem("loglevel", "unknown level \"verbose\": use one of debug, info, warn, error"), problem);
    }
}
