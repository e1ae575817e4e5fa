using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Components;
using Kubetrace.Exporters.Otlp;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Receivers.Otlp;

namespace Kubetrace.Tests.Receivers;

/// <summary>
/// The receiver admits requests against a bounded budget of decompressed bytes in flight (admission.request_limit_mib):
/// over it, the client is told to come back (429 + Retry-After, RESOURCE_EXHAUSTED + RetryInfo), nothing is lost, and
/// the budget is whole again once the pipeline has answered. The pipeline is held at a gate to keep requests in flight.
/// </summary>
public sealed class InFlightBudgetTests
{
    private const int LimitMib = 1;
    private const long Limit = LimitMib * 1024 * 1024;

    private static readonly HttpClient Http = new();

    private static void OneMiBBudget(OtlpReceiverConfig config)
    {
        config.Admission.RequestLimitMib = LimitMib;
        config.Protocols.Grpc!.MaxRecvMsgSizeMib = LimitMib;
        config.Protocols.Http!.MaxRequestBodySize = Limit * 3 / 4;
    }

    /// <summary>A request of a bit under a third of the budget: three fit, a fourth does not.</summary>
    private static ExportTraceServiceRequest ThirdOfTheBudget(int index)
    {
        var perSpan = SampleRequests.Valid(100).CalculateSize() / 100.0;
        var spans = (int)(Limit * 0.3 / perSpan);
        var request = SampleRequests.Valid(spans, seed: index * spans, name: $"request{index}");
        Assert.InRange(request.CalculateSize(), Limit / 4 + 1, Limit / 3);
        return request;
    }

    private static TaskCompletionSource HoldThePipeline(RunningReceiver receiver) =>
        receiver.Consumer.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    private static long Refused(RunningReceiver receiver) =>
        receiver.Metrics.Counter("kubetrace_receiver_refused_requests", "", ("receiver", "otlp")).Value;

    [Fact]
    public void While_memory_is_short_every_request_is_refused_at_its_first_bytes_and_admitted_again_after()
    {
        var memoryShort = true; // the memory_limiter refuses data
        var budget = new Kubetrace.Receivers.Otlp.Admission.InFlightBytes(Limit, memoryShort: () => memoryShort);
        using var lease = budget.Open();

        Assert.False(lease.TryGrowTo(100));
        Assert.Equal((ConsumerErrorKind.ResourceExhausted, "data refused due to high memory usage (memory_limiter); retry later"),
            (lease.Refusal().Kind, lease.Refusal().Message));
        Assert.Equal(0, budget.InUse);

        memoryShort = false;
        Assert.True(lease.TryGrowTo(100));
    }

    [Fact]
    public async Task Http_requests_over_the_budget_get_429_with_Retry_After_and_pass_once_it_frees()
    {
        await using var receiver = await RunningReceiver.StartAsync(OneMiBBudget);
        var gate = HoldThePipeline(receiver);
        var held = Enumerable.Range(0, 3).Select(i => Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Protobuf(ThirdOfTheBudget(i)))).ToList();
        await Wait.UntilAsync(() => receiver.Consumer.Waiting == 3, "three requests are held in the pipeline");

        using (var refused = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Protobuf(ThirdOfTheBudget(3))))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            var status = await OtlpHttpClient.ReadStatusAsync(refused);
            Assert.Equal((int)StatusCode.ResourceExhausted, status.Code);
            Assert.Contains("admission.request_limit_mib", status.Message);
        }
        Assert.Equal(1, Refused(receiver));

        gate.SetResult();
        foreach (var answer in await Task.WhenAll(held)) Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(0, receiver.Receiver.InFlight!.InUse);
        using var retried = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Protobuf(ThirdOfTheBudget(3)));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(4, receiver.Consumer.Batches.Count);
        Assert.Equal(0, receiver.Receiver.InFlight.InUse);
    }

    [Fact]
    public async Task Grpc_requests_over_the_budget_get_RESOURCE_EXHAUSTED_with_RetryInfo_before_their_body_is_read()
    {
        await using var receiver = await RunningReceiver.StartAsync(OneMiBBudget);
        var gate = HoldThePipeline(receiver);
        using var channel = GrpcChannel.ForAddress(receiver.GrpcAddress);
        var client = new TraceService.TraceServiceClient(channel);
        var held = Enumerable.Range(0, 3).Select(i => client.ExportAsync(ThirdOfTheBudget(i)).ResponseAsync).ToList();
        await Wait.UntilAsync(() => receiver.Consumer.Waiting == 3, "three requests are held in the pipeline");

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(ThirdOfTheBudget(3)).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("admission.request_limit_mib", error.Status.Detail);
        Assert.Equal(TimeSpan.FromSeconds(1), GrpcRetryInfo.TryRead(error.Trailers.GetValueBytes(GrpcRetryInfo.TrailerKey)));

        gate.SetResult();
        await Task.WhenAll(held);
        Assert.Equal(0, receiver.Receiver.InFlight!.InUse);
        await client.ExportAsync(ThirdOfTheBudget(3));
        Assert.Equal(4, receiver.Consumer.Batches.Count);
    }

    /// <summary>
    /// What counts is the decompressed size, which is what the receiver holds: a gzip body of a few KiB that inflates
    /// to 60% of the budget does not fit beside another 60%, though its wire size would.
    /// </summary>
    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task Gzip_bodies_count_at_their_decompressed_size(string transport)
    {
        await using var receiver = await RunningReceiver.StartAsync(OneMiBBudget);
        var gate = HoldThePipeline(receiver);
        var large = SampleRequests.WithSpans([.. ThirdOfTheBudget(0).ResourceSpans[0].ScopeSpans[0].Spans, .. ThirdOfTheBudget(1).ResourceSpans[0].ScopeSpans[0].Spans]);
        var inflating = SampleRequests.WithSpans([.. ThirdOfTheBudget(2).ResourceSpans[0].ScopeSpans[0].Spans, .. ThirdOfTheBudget(3).ResourceSpans[0].ScopeSpans[0].Spans]);
        Assert.True(OtlpHttpClient.Gzip(inflating.ToByteArray()).Length < Limit / 10, "the gzip body is small on the wire");
        using var channel = GrpcChannel.ForAddress(receiver.GrpcAddress);
        var client = new TraceService.TraceServiceClient(channel);
        var held = Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Protobuf(large));
        await Wait.UntilAsync(() => receiver.Consumer.Waiting == 1, "the large request is held in the pipeline");

        if (transport == "http")
        {
            using var refused = await Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Protobuf(inflating, gzip: true));
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }
        else
        {
            var gzip = new CallOptions(new Metadata { { "grpc-internal-encoding-request", "gzip" } });
            var error = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(inflating, gzip).ResponseAsync);
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
            Assert.NotNull(GrpcRetryInfo.TryRead(error.Trailers.GetValueBytes(GrpcRetryInfo.TrailerKey)));
        }

        gate.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
        Assert.Equal(0, receiver.Receiver.InFlight!.InUse);
    }

    /// <summary>
    /// Kubetrace's own OTLP exporters, with their default retry settings, keep a refused batch and send it again after
    /// the delay the receiver asked for: every span arrives, exactly once.
    /// </summary>
    [Theory]
    [InlineData("grpc")]
    [InlineData("http")]
    public async Task A_real_exporter_retries_a_refused_batch_and_nothing_is_lost(string transport)
    {
        await using var receiver = await RunningReceiver.StartAsync(OneMiBBudget);
        var gate = HoldThePipeline(receiver);
        var held = Enumerable.Range(0, 3).Select(i => Http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Protobuf(ThirdOfTheBudget(i)))).ToList();
        await Wait.UntilAsync(() => receiver.Consumer.Waiting == 3, "three requests fill the budget");

        var test = new TestSettings($"otlp/{transport}");
        IExporter exporter = transport == "grpc"
            ? new OtlpGrpcExporterFactory().Create(test.Settings, new OtlpGrpcExporterConfig
            {
                Endpoint = receiver.GrpcAddress.Authority, Tls = new ClientTlsConfig { Insecure = true }, Compression = OtlpCompression.None,
            })
            : new OtlpHttpExporterFactory().Create(test.Settings, new OtlpHttpExporterConfig
            {
                Endpoint = receiver.Receiver.HttpAddress!.ToString().TrimEnd('/'), Compression = OtlpCompression.None,
            });
        await exporter.StartAsync(default);
        var sent = exporter.ConsumeAsync(SampleRequests.Encoded(ThirdOfTheBudget(3)), default).AsTask();
        await Wait.UntilAsync(() => Refused(receiver) >= 1, "the receiver refused the exporter's first attempt");
        gate.SetResult();
        await sent;
        await Task.WhenAll(held);
        await exporter.ShutdownAsync(default);

        var names = receiver.Consumer.Batches.SelectMany(b => b.Request.ResourceSpans).SelectMany(r => r.ScopeSpans)
            .SelectMany(s => s.Spans).Select(s => s.Name).ToList();
        var expected = Enumerable.Range(0, 4).SelectMany(i => ThirdOfTheBudget(i).ResourceSpans[0].ScopeSpans[0].Spans.Select(s => s.Name));
        Assert.Equal(expected.Order(), names.Order());
        Assert.Equal(0, receiver.Receiver.InFlight!.InUse);
    }
}
