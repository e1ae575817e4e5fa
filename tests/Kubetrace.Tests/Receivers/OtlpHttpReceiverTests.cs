using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Receivers;

public class OtlpHttpReceiverTests
{
    private static readonly HttpClient Http = new();

    [Theory]
    [InlineData("protobuf", false)]
    [InlineData("protobuf", true)]
    [InlineData("json", false)]
    [InlineData("json", true)]
    public async Task Post_accepts_protobuf_and_json_plain_or_gzip_and_answers_in_the_same_encoding(string encoding, bool gzip)
    {
        await using var receiver = await RunningReceiver.StartAsync();
        var request = SampleRequests.EveryFieldSet();
        var content = encoding == "json" ? OtlpHttpClient.Json(request, gzip) : OtlpHttpClient.Protobuf(request, gzip);

        using var response = await Http.PostAsync(receiver.TracesUrl, content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(encoding == "json" ? "application/json" : "application/x-protobuf", response.Content.Headers.ContentType!.MediaType);
        Assert.Null((await OtlpHttpClient.ReadResponseAsync(response)).PartialSuccess);
        var batch = Assert.Single(receiver.Consumer.Batches);
        Assert.Equal(request, batch.Request);
        Assert.Equal(2, receiver.Counter("otelcol_receiver_accepted_spans", "http"));
    }

    [Fact]
    public async Task Valid_protobuf_takes_the_pass_through_path()
    {
        await using var receiver = await RunningReceiver.StartAsync();
        var request = SampleRequests.Valid(4);

        using var response = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Protobuf(request));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var batch = Assert.Single(receiver.Consumer.Batches);
        Assert.True(batch.HasEncoded);
        Assert.Equal(request.ToByteArray(), batch.Encoded.ToArray());
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    [InlineData("application/x-protobuf; proto=opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest")]
    public async Task Content_type_parameters_and_case_are_accepted(string contentType)
    {
        await using var receiver = await RunningReceiver.StartAsync();
        var request = SampleRequests.Valid(1);
        var body = contentType.Contains("json", StringComparison.OrdinalIgnoreCase) ? OtlpJson.ToUtf8Bytes(request) : request.ToByteArray();

        using var response = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Body(body, contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(receiver.Consumer.Batches);
    }

    [SkippableFact]
    public async Task The_conformance_example_is_accepted_over_http_json_and_comes_out_equal()
    {
        var path = Requires.SharedFile("conformance/otlp/trace.json");
        await using var receiver = await RunningReceiver.StartAsync();
        var json = await File.ReadAllBytesAsync(path);

        using var response = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Body(json, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        var received = Assert.Single(receiver.Consumer.Batches).Request;
        Assert.Equal(OtlpJson.ParseRequest(json), received);
        Assert.Equal(received, OtlpJson.ParseRequest(OtlpJson.ToUtf8Bytes(received)));
    }

    [Fact]
    public async Task Partial_success_in_json_names_the_rejected_span()
    {
        await using var receiver = await RunningReceiver.StartAsync();
        var json = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"good","startTimeUnixNano":"1","endTimeUnixNano":"2"},
              {"traceId":"00000000000000000000000000000000","spanId":"eee19b7ec3c1b175","name":"zero-trace"}]}]}]}
            """;

        using var response = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Body(Encoding.UTF8.GetBytes(json), "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("""{"partialSuccess":{"rejectedSpans":"1","errorMessage":"1 of 2 spans rejected: span 1 (name \"zero-trace\"): trace_id must not be all zero"}}""", body);
        Assert.Equal("good", Assert.Single(receiver.Consumer.Batches).Request.ResourceSpans[0].ScopeSpans[0].Spans.Single().Name);
    }

    [Fact]
    public async Task Spans_in_field_1000_from_old_exporters_are_folded_into_scope_spans()
    {
        await using var receiver = await RunningReceiver.StartAsync();
        var request = new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans() } };
        request.ResourceSpans[0].InstrumentationLibrarySpans.Add(new ScopeSpans { Scope = new() { Name = "otel-go 0.19" }, Spans = { SampleRequests.ValidSpan("legacy") } });

        using var response = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Protobuf(request));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var resourceSpans = Assert.Single(receiver.Consumer.Batches).Request.ResourceSpans.Single();
        Assert.Empty(resourceSpans.InstrumentationLibrarySpans);
        Assert.Equal("legacy", resourceSpans.ScopeSpans.Single().Spans.Single().Name);
    }

    [Fact]
    public async Task Other_content_types_get_415_with_a_status_body()
    {
        await using var receiver = await RunningReceiver.StartAsync();

        using var response = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Body("hello"u8.ToArray(), "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var status = await OtlpHttpClient.ReadStatusAsync(response);
        Assert.Equal("unsupported content type \"text/plain\"; use application/x-protobuf or application/json", status.Message);
    }

    [Fact]
    public async Task Other_methods_get_405_with_allow_post()
    {
        await using var receiver = await RunningReceiver.StartAsync();

        using var response = await Http.GetAsync(receiver.TracesUrl);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Other_paths_get_404()
    {
        await using var receiver = await RunningReceiver.StartAsync();

        using var response = await Http.PostAsync(new Uri(receiver.TracesUrl, "/v1/metrics"), OtlpHttpClient.Protobuf(SampleRequests.Valid(1)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("application/x-protobuf")]
    [InlineData("application/json")]
    public async Task Undecodable_bodies_get_400_with_a_status_in_the_request_encoding(string contentType)
    {
        await using var receiver = await RunningReceiver.StartAsync();

        using var response = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Body([0x0A, 0x7F, 0x01], contentType));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        var status = await OtlpHttpClient.ReadStatusAsync(response);
        Assert.Equal((int)Grpc.Core.StatusCode.InvalidArgument, status.Code);
        Assert.NotEmpty(status.Message);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_gets_413_before_the_body_is_read()
    {
        await using var receiver = await RunningReceiver.StartAsync(c => c.Protocols.Http!.MaxRequestBodySize = 1000);

        using var response = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Body(new byte[1001], "application/x-protobuf"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("exceeds the limit of 1000 bytes", (await OtlpHttpClient.ReadStatusAsync(response)).Message);
    }

    public static TheoryData<ConsumerException, HttpStatusCode, string?> Refusals => new()
    {
        { ConsumerException.Permanent("bad data"), HttpStatusCode.BadRequest, null },
        { ConsumerException.Unavailable("exporter down", TimeSpan.FromSeconds(3)), HttpStatusCode.ServiceUnavailable, "3" },
        { ConsumerException.ResourceExhausted("memory limit"), HttpStatusCode.TooManyRequests, "1" },
        { ConsumerException.ResourceExhausted("queue full", TimeSpan.FromMilliseconds(2500)), HttpStatusCode.TooManyRequests, "3" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Pipeline_refusals_map_to_http_status_with_retry_after(ConsumerException refusal, HttpStatusCode expected, string? retryAfter)
    {
        await using var receiver = await RunningReceiver.StartAsync();
        receiver.Consumer.RefuseWith = refusal;

        using var response = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Json(SampleRequests.Valid(2)));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(retryAfter, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var status = await OtlpHttpClient.ReadStatusAsync(response);
        Assert.Equal(refusal.Message, status.Message);
        Assert.Equal(retryAfter is not null, status.Details.Count == 1);
        Assert.Equal(2, receiver.Counter("otelcol_receiver_refused_spans", "http"));
    }

    [Fact]
    public async Task Cors_preflight_and_responses_allow_configured_origins_only()
    {
        await using var receiver = await RunningReceiver.StartAsync(c => c.Protocols.Http!.Cors = new()
        {
            AllowedOrigins = ["https://*.example.com"], AllowedHeaders = ["X-Tenant"], MaxAge = 600,
        });

        using var preflight = new HttpRequestMessage(HttpMethod.Options, receiver.TracesUrl);
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type, x-tenant, x-secret");
        using var answer = await Http.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("https://app.example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("content-type, x-tenant", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal("600", answer.Headers.GetValues("Access-Control-Max-Age").Single());

        using var post = new HttpRequestMessage(HttpMethod.Post, receiver.TracesUrl) { Content = OtlpHttpClient.Json(SampleRequests.Valid(1)) };
        post.Headers.Add("Origin", "https://evil.example.org");
        using var refused = await Http.SendAsync(post);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Include_metadata_passes_http_headers_on_with_the_batch()
    {
        await using var receiver = await RunningReceiver.StartAsync(c => c.Protocols.Http!.IncludeMetadata = true);
        using var post = new HttpRequestMessage(HttpMethod.Post, receiver.TracesUrl) { Content = OtlpHttpClient.Protobuf(SampleRequests.Valid(1)) };
        post.Headers.Add("X-Tenant", "team-b");

        using var response = await Http.SendAsync(post);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("team-b", Assert.Single(receiver.Consumer.Batches).Metadata!["x-tenant"]);
    }
}
