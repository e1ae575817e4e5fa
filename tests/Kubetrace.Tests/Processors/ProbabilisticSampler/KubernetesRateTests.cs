using System.Buffers.Binary;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.ProbabilisticSampler;
using Kubetrace.Processors.Sampling;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Processors.ProbabilisticSampler;

/// <summary>
/// <c>sampling_rate_per_million</c> keeps exactly what a Kubernetes component with the same
/// <c>samplingRatePerMillion</c> keeps: ParentBased(TraceIDRatioBased(rate / 1e6)) in component-base
/// tracing/utils.go, whose rule (go.opentelemetry.io/otel/sdk/trace/sampling.go) is written out again here.
/// </summary>
public class KubernetesRateTests
{
    /// <summary>The Go SDK's traceIDRatioSampler, independently of the processor's code.</summary>
    private static bool GoSdkTraceIdRatioBased(ReadOnlySpan<byte> traceId, double fraction)
    {
        if (fraction >= 1) return true;
        if (fraction <= 0) return false;
        var upperBound = (ulong)(fraction * (1UL << 63));
        var x = BinaryPrimitives.ReadUInt64BigEndian(traceId[8..16]) >> 1;
        return x < upperBound;
    }

    private static async Task<List<Span>> Sample(int ratePerMillion, IReadOnlyList<Span> spans)
    {
        var next = new RecordingConsumer();
        var processor = new ProbabilisticSamplerProcessor(TestSettings.For("probabilistic_sampler"),
            new ProbabilisticSamplerConfig { SamplingRatePerMillion = ratePerMillion }, next);
        foreach (var chunk in spans.Chunk(10_000)) await processor.ConsumeAsync(SampleRequests.Encoded(Spans.Request(chunk)), default);
        return Spans.All(next.Received).ToList();
    }

    private static List<Span> RandomSpans(int count)
    {
        var random = new Random(12);
        return Enumerable.Range(0, count).Select(_ => Spans.Span(Spans.RandomTraceId(random))).ToList();
    }

    [Theory]
    [InlineData(100)]
    [InlineData(10_000)]
    [InlineData(333_333)]
    [InlineData(1_000_000)]
    public async Task Keeps_exactly_the_traces_the_apiserver_keeps_at_the_same_rate(int ratePerMillion)
    {
        var spans = RandomSpans(200_000);
        var apiserverKept = spans.Where(s => GoSdkTraceIdRatioBased(s.TraceId.Span, ratePerMillion / 1e6)).Select(s => s.TraceId).ToHashSet();

        var kept = (await Sample(ratePerMillion, spans)).Select(s => s.TraceId).ToHashSet();

        Assert.Equal(apiserverKept.Count, kept.Count);
        Assert.True(apiserverKept.SetEquals(kept));
    }

    [Fact]
    public async Task A_lower_rate_keeps_the_subset_the_apiserver_would_have_kept_at_that_rate()
    {
        var apiserverAt10Percent = RandomSpans(100_000).Where(s => GoSdkTraceIdRatioBased(s.TraceId.Span, 0.1)).ToList();

        var kept = await Sample(10_000, apiserverAt10Percent);

        Assert.Equal(apiserverAt10Percent.Where(s => GoSdkTraceIdRatioBased(s.TraceId.Span, 0.01)).Select(s => s.TraceId), kept.Select(s => s.TraceId));
    }

    [Fact]
    public async Task Kept_spans_carry_th_for_the_rate_and_an_rv_consistent_with_it()
    {
        var kept = await Sample(10_000, RandomSpans(50_000));

        Assert.NotEmpty(kept);
        foreach (var span in kept)
        {
            Assert.True(OtelTraceState.TryParse(span.TraceState, out var state, out _));
            Assert.Equal(0.01, state.Threshold!.Value.Probability, 4);
            Assert.True(state.Threshold.Value.ShouldSample(state.Randomness!.Value), span.TraceState);
        }
    }
}
