using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.Otlp;

public class OtlpJsonTests
{
    private static ExportTraceServiceRequest Parse(string json) => OtlpJson.ParseRequest(Encoding.UTF8.GetBytes(json));

    private static OtlpSpan OnlySpan(ExportTraceServiceRequest request) => request.ResourceSpans.Single().ScopeSpans.Single().Spans.Single();

    [SkippableFact]
    public void Conformance_example_decodes_and_survives_a_round_trip()
    {
        var path = Requires.SharedFile("conformance/otlp/trace.json");

        var request = OtlpJson.ParseRequest(File.ReadAllBytes(path));

        var resourceSpans = request.ResourceSpans.Single();
        Assert.Equal("my.service", resourceSpans.Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue);
        var scopeSpans = resourceSpans.ScopeSpans.Single();
        Assert.Equal("my.library", scopeSpans.Scope.Name);
        Assert.Equal("1.0.0", scopeSpans.Scope.Version);
        Assert.Equal("some scope attribute", scopeSpans.Scope.Attributes.Single().Value.StringValue);
        var span = scopeSpans.Spans.Single();
        Assert.Equal("5b8efff798038103d269b633813fc60c", Convert.ToHexStringLower(span.TraceId.Span));
        Assert.Equal("eee19b7ec3c1b174", Convert.ToHexStringLower(span.SpanId.Span));
        Assert.Equal("eee19b7ec3c1b173", Convert.ToHexStringLower(span.ParentSpanId.Span));
        Assert.Equal("I'm a server span", span.Name);
        Assert.Equal(1544712660000000000UL, span.StartTimeUnixNano);
        Assert.Equal(1544712661000000000UL, span.EndTimeUnixNano);
        Assert.Equal(OtlpSpan.Types.SpanKind.Server, span.Kind);
        Assert.Equal("some value", span.Attributes.Single().Value.StringValue);

        var again = OtlpJson.ParseRequest(OtlpJson.ToUtf8Bytes(request));
        Assert.Equal(request, again);
    }

    [Fact]
    public void Every_field_and_value_type_survives_a_round_trip()
    {
        var request = SampleRequests.EveryFieldSet();

        var json = OtlpJson.ToUtf8Bytes(request);

        Assert.Equal(request, OtlpJson.ParseRequest(json));
    }

    [Fact]
    public void Writes_the_otlp_forms_hex_ids_integer_enums_and_64_bit_strings()
    {
        var json = Encoding.UTF8.GetString(OtlpJson.ToUtf8Bytes(SampleRequests.EveryFieldSet()));

        Assert.Contains("\"traceId\":\"0102030405060708090a0b0c0d0e0f10\"", json);
        Assert.Contains("\"spanId\":\"1112131415161718\"", json);
        Assert.Contains("\"kind\":3", json);
        Assert.Contains("\"startTimeUnixNano\":\"1700000000000000001\"", json);
        Assert.Contains("\"intValue\":\"-9007199254740993\"", json);
        Assert.Contains("\"code\":2", json);
        Assert.Contains("\"bytesValue\":\"AAH/\"", json);
    }

    [Fact]
    public void Accepts_snake_case_keys_enum_names_numbers_for_64_bit_values_and_lower_or_upper_hex()
    {
        var request = Parse("""
            {"resource_spans":[{"scope_spans":[{"spans":[{
              "trace_id":"5B8EFFF798038103d269b633813fc60c","span_id":"EEE19B7EC3C1B174",
              "name":"n","kind":"SPAN_KIND_CLIENT","start_time_unix_nano":1544712660000000000,
              "endTimeUnixNano":"1544712661000000000","status":{"code":"STATUS_CODE_ERROR"},
              "attributes":[{"key":"i","value":{"int_value":42}}]}]}]}]}
            """);

        var span = OnlySpan(request);
        Assert.Equal("5b8efff798038103d269b633813fc60c", Convert.ToHexStringLower(span.TraceId.Span));
        Assert.Equal(OtlpSpan.Types.SpanKind.Client, span.Kind);
        Assert.Equal(1544712660000000000UL, span.StartTimeUnixNano);
        Assert.Equal(1544712661000000000UL, span.EndTimeUnixNano);
        Assert.Equal(Status.Types.StatusCode.Error, span.Status.Code);
        Assert.Equal(42, span.Attributes.Single().Value.IntValue);
    }

    [Fact]
    public void Ignores_unknown_fields_of_any_shape_and_treats_null_as_default()
    {
        var request = Parse("""
            {"extra":{"deep":[1,{"x":null}]},"resourceSpans":[{"futureField":[],"resource":null,"scopeSpans":[{"spans":[{
              "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"n",
              "someNewThing":"v","kind":null}]}]}]}
            """);

        var span = OnlySpan(request);
        Assert.Equal("n", span.Name);
        Assert.Equal(OtlpSpan.Types.SpanKind.Unspecified, span.Kind);
        Assert.Null(request.ResourceSpans[0].Resource);
    }

    [Fact]
    public void Reads_the_pre_0_15_names_of_old_exporters()
    {
        var request = Parse("""
            {"resourceSpans":[{"instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"old","version":"0.11"},
              "spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"n"}]}]}]}
            """);

        var scopeSpans = request.ResourceSpans.Single().ScopeSpans.Single();
        Assert.Equal("old", scopeSpans.Scope.Name);
        Assert.Equal("n", scopeSpans.Spans.Single().Name);
    }

    [Fact]
    public void Ids_of_a_wrong_length_decode_so_that_validation_can_reject_just_that_span()
    {
        var span = OnlySpan(Parse("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"abcdef","spanId":""}]}]}]}"""));

        Assert.Equal(3, span.TraceId.Length);
        Assert.True(span.SpanId.IsEmpty);
    }

    [Theory]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{},{"traceId":"xyz0"}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[1].traceId", "\"xyz0\" is not a hex string")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"abc"}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[0].traceId", "odd number of digits")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SIDEWAYS"}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[0].kind", "\"SIDEWAYS\" is not a known SpanKind value")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon"}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano", "\"soon\" is not an integer")]
    [InlineData("""{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"intValue":1.5}}]}}]}""",
        "resourceSpans[0].resource.attributes[0].value.intValue", "1.5 is not an integer")]
    [InlineData("""{"resourceSpans":{}}""", "resourceSpans", "expected an array, got an object")]
    [InlineData("""[]""", "", "expected an object, got an array")]
    public void Errors_name_the_path_and_the_problem(string json, string path, string problem)
    {
        var error = Assert.Throws<OtlpJsonException>(() => Parse(json));

        Assert.Equal(path, error.Path);
        Assert.Contains(problem, error.Problem);
        Assert.StartsWith(path.Length > 0 ? path + ": " : "", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"resourceSpans\":[}")]
    [InlineData("{} {}")]
    [InlineData("not json")]
    public void Text_that_is_not_one_json_object_is_an_error(string json)
    {
        var error = Assert.Throws<OtlpJsonException>(() => Parse(json));

        Assert.Contains("JSON", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Response_with_partial_success_round_trips_with_int64_as_string()
    {
        var response = new ExportTraceServiceResponse
        {
            PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = 2, ErrorMessage = "span 3: bad" },
        };

        var json = OtlpJson.ToUtf8Bytes(response);

        Assert.Equal("""{"partialSuccess":{"rejectedSpans":"2","errorMessage":"span 3: bad"}}""", Encoding.UTF8.GetString(json));
        Assert.Equal(response, OtlpJson.ParseResponse(json));
        Assert.Equal("{}", Encoding.UTF8.GetString(OtlpJson.ToUtf8Bytes(new ExportTraceServiceResponse())));
    }

    [Fact]
    public void Rpc_status_with_retry_info_round_trips()
    {
        var status = new Google.Rpc.Status { Code = 8, Message = "queue full" };
        status.Details.Add(Any.Pack(new Google.Rpc.RetryInfo { RetryDelay = new Duration { Seconds = 1, Nanos = 500_000_000 } }));

        var json = OtlpJson.ToUtf8Bytes(status);

        Assert.Equal("""{"code":8,"message":"queue full","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}""",
            Encoding.UTF8.GetString(json));
        Assert.Equal(status, OtlpJson.ParseStatus(json));
    }
}
